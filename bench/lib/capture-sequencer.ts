// The capture measure's Syncdesk instance (bench/measures/capture.ts): the sequencer in a process
// of its own, as on a started server, so its JavaScript never holds up the event loop of the
// measure's SQL writers (a team's writers are other processes). It still shares the machine's
// cores with them and with the database. Driven over IPC: `ready` once running; `stop` -> exit.
import { startCaptureSequencer } from "../../server/capture/sequence";
import { openDatabase } from "../../server/db/client";

const url = process.argv[2];
if (!url) throw new Error("capture-sequencer: pass the database URL");

const database = await openDatabase({ url });
const stop = startCaptureSequencer(database.prisma);
process.on("message", (message: { type?: string }) => {
  if (message.type !== "stop") return;
  void stop().then(() => database.close()).finally(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
