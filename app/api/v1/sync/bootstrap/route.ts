import { readFrom } from "@/server/db/read-db";
import { jsonText } from "@/server/http/json-response";
import { handlerOf } from "@/server/http/route";
import { bootstrapRoute } from "@/server/http/routes/sync";
import { recordBootstrapPage } from "@/server/metrics/registry";
import { readBootstrapPage } from "@/server/sync/bootstrap";
import { bootstrapPageJson } from "@/server/sync/bootstrap-json";

export const dynamic = "force-dynamic";

export const POST = handlerOf(bootstrapRoute, async ({ db, device, body }) => {
  // The first page records a compaction hold (a write): on the primary. Later pages only read.
  const page = body.cursor ? await readFrom(db, (reader) => readBootstrapPage(reader, device, body)) : await readBootstrapPage(db, device, body);
  recordBootstrapPage(page.items.length);
  // Written once, its stored documents spliced in as text (bootstrap-json.ts, issue 21).
  return jsonText(bootstrapPageJson(page));
});
