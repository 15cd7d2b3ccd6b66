// `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL, or
// the embedded one under DATA_DIR) and says what it did. The server also migrates on start; this
// is for deployments that migrate as a separate step.
import { MIGRATIONS_DIR, withSession } from "../server/db/client";
import { MigrationError, migrate, readMigrations } from "../server/db/migrator";
import { env } from "../server/env";

async function main(): Promise<number> {
  const migrations = readMigrations(MIGRATIONS_DIR);
  const target = env().databaseKind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${env().DATA_DIR}`;
  const applied = await withSession((session) => migrate(session, migrations));
  if (applied.length === 0) {
    console.log(`${target}: up to date (${migrations.length} migrations)`);
  } else {
    console.log(`${target}: applied ${applied.length} of ${migrations.length} migrations`);
    for (const name of applied) console.log(`  ${name}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof MigrationError ? `Migration refused: ${message}` : `db:migrate failed: ${message}`);
    process.exit(1);
  },
);
