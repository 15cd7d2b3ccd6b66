// Prepares the PostgreSQL database of the console e2e server: dropped and created afresh,
// migrated, with one staff account per role. Local servers only.
import pg from "pg";
import { consoleDatabaseUrl, E2E_CONSOLE_DATABASE, E2E_PG_ADMIN_URL, E2E_STAFF } from "../e2e/support/accounts";
import { openDatabase } from "../server/db/client";
import { createStaff } from "../server/staff/accounts";
import type { Role } from "../server/staff/roles";
import { assertLocalDatabaseUrl } from "../test/support/database";

async function main(): Promise<void> {
  assertLocalDatabaseUrl(E2E_PG_ADMIN_URL);
  const admin = new pg.Client({ connectionString: E2E_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${E2E_CONSOLE_DATABASE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${E2E_CONSOLE_DATABASE}"`);
  await admin.end();
  const database = await openDatabase({ url: consoleDatabaseUrl() });
  for (const [role, account] of Object.entries(E2E_STAFF)) {
    await createStaff(database.prisma, { email: account.email, role: role as Role, password: account.password });
  }
  await database.close();
  process.stdout.write(`e2e console database ${E2E_CONSOLE_DATABASE} ready\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
