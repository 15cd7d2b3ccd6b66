// `npm run key:revoke -- --name NAME`: revokes a service key; its requests answer 401 from now on.
import { parseArgs } from "node:util";
import { revokeServiceKey } from "../server/keys/service-keys";
import { withCliDatabase } from "./cli-database";

const USAGE = "Usage: npm run key:revoke -- --name <name>";

await withCliDatabase(USAGE, async (db, fail) => {
  const { values } = parseArgs({ options: { name: { type: "string" } } });
  if (!values.name) return fail("--name is required");
  const revoked = await revokeServiceKey(db, { type: "system", id: "key:revoke" }, values.name);
  process.stdout.write(`Revoked service key ${revoked.name}\n`);
});
