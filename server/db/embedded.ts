// The embedded database: PGlite (PostgreSQL compiled to WASM) in this process, persisted under
// DATA_DIR. One instance per process; PGlite serialises queries and transactions itself.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";

export async function openEmbedded(dataDir: string): Promise<PGlite> {
  if (dataDir === "memory://") return PGlite.create();
  const dir = path.resolve(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  return PGlite.create(dir);
}
