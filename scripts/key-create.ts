// `npm run key:create -- --name NAME --scopes read,write --streams 'org:*'`
// Creates a service key for the team's backend and prints it once (only its hash is stored).
// Scopes: read (records, changes), write (server push), admin (webhooks). Streams: patterns, `*` all.
import { parseArgs } from "node:util";
import { createServiceKey, SCOPES, ZNewServiceKey } from "../server/keys/service-keys";
import { withCliDatabase } from "./cli-database";

const USAGE = `Usage: npm run key:create -- --name <name> --scopes <${SCOPES.join(",")}> --streams <pattern,...>`;

await withCliDatabase(USAGE, async (db, fail) => {
  const { values } = parseArgs({ options: { name: { type: "string" }, scopes: { type: "string" }, streams: { type: "string" } } });
  const input = ZNewServiceKey.safeParse({
    name: values.name ?? "",
    scopes: (values.scopes ?? "").split(",").filter(Boolean),
    streams: (values.streams ?? "").split(",").filter(Boolean),
  });
  if (!input.success) return fail(input.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("\n"));
  const { key, summary } = await createServiceKey(db, { type: "system", id: "key:create" }, input.data);
  process.stdout.write(`Created service key ${summary.name} (scopes ${summary.scopes.join(",")}; streams ${summary.streams.join(",")})\n`);
  process.stdout.write(`Key (shown once; only its hash is stored): ${key}\n`);
});
