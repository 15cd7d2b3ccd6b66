// Database reachability for GET /api/health: one trivial statement on the process's database.
import { getDatabase, type Database } from "./client";
import { sqlOf } from "./sql";

/** The engine that answered; throws when the database does not. */
export async function checkDatabase(): Promise<Database["kind"]> {
  const database = await getDatabase();
  await sqlOf(database.prisma)("SELECT 1");
  return database.kind;
}
