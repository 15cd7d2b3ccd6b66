// The database for a command-line script, with the embedded database's one-process rule: while
// the server runs on it, the script stops and says so. Any failure prints the usage and exits 1.
import type { Db } from "../server/db/client";
import { getDatabase } from "../server/db/client";
import { findEmbeddedOwner } from "../server/db/embedded-owner";
import { env } from "../server/env";

type Fail = (message: string) => never;

/** `whileServing`: what to do instead while the server has the embedded database open. */
export async function withCliDatabase(
  usage: string, work: (db: Db, fail: Fail) => Promise<void>, whileServing = "Stop the server and run this again.",
): Promise<void> {
  const fail: Fail = (message) => {
    process.stderr.write(`${message}\n${usage}\n`);
    process.exit(1);
  };
  const config = env();
  const owner = config.databaseKind === "pglite" ? findEmbeddedOwner(config.DATA_DIR) : null;
  if (owner !== null) {
    fail(`The server (pid ${owner}) has the embedded database in ${config.DATA_DIR} open, and only one process may open it.\n${whileServing}`);
  }
  const database = await getDatabase();
  try {
    await work(database.prisma, fail);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await database.close();
  }
}
