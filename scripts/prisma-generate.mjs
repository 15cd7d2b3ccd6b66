// Runs `prisma generate` offline. Prisma 7 generates the client from WASM, but its CLI still
// insists that a schema-engine binary exists; that binary cannot be downloaded here and is never
// used by `generate`, so we point the CLI at a stub. Migrations are applied by server/db/migrator.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
if (!existsSync(cli)) {
  process.stderr.write("prisma CLI not installed yet; skipping generate\n");
  process.exit(0);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, "scripts", "schema-engine-stub.sh"),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const result = spawnSync(process.execPath, [cli, "generate"], { cwd: root, env, stdio: "inherit" });
process.exit(result.status ?? 1);
