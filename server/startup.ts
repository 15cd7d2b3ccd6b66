// What `next start` does before it serves the first request (called from instrumentation.ts):
// validate config, open and migrate the database, load demo data on a fresh embedded database,
// and say where the server is and how to get a device token.
import { env } from "./env";
import { getDatabase } from "./db/client";
import { markEmbeddedOwner } from "./db/embedded-owner";
import { DEMO_TYPES, seedDemoData } from "../demo/seed";
import { startJobs } from "./jobs/start";
import { startWebhooks } from "./webhooks/start";
import { logger } from "./log";
import { createStaff, generatePassword } from "./staff/accounts";
import { getResourceType, loadTypes, typesFile } from "./types/registry";
import { recordTypeVersions } from "./types/type-epochs";
import { sqlOf } from "./db/sql";
import { startCaptureAnnouncer } from "./capture/announce";
import { startCaptureSequencer } from "./capture/sequence";
import { installCapture } from "./capture/install";

export const FIRST_ADMIN_EMAIL = "admin@syncdesk.local";

/** Boots the server's state; throws when it cannot (bad config, unreachable database). */
export async function bootServer(): Promise<void> {
  // 1. Config first: production without secrets must refuse to start, not fail per request.
  const config = env();

  // 1b. The app's types: an invalid config stops the start here, naming the file, type and field.
  const types = await loadTypes();
  logger.info({ config: typesFile(), types: types.map((t) => t.name) }, `Types loaded from ${typesFile()}`);

  // 2. Open the database; getDatabase() applies pending migrations before it resolves.
  const database = await getDatabase();
  if (config.databaseKind === "pglite") markEmbeddedOwner(config.DATA_DIR);
  await recordTypeVersions(sqlOf(database.prisma));
  // 2b. Types backed by the team's tables: a table that does not fit stops the start here.
  const captured = await installCapture(database.prisma, types, typesFile());
  if (captured.length > 0) {
    logger.info({ tables: captured.map((t) => t.name) }, `Capturing changes of ${captured.map((t) => t.name).join(", ")}`);
    startCaptureSequencer(database.prisma);
    startCaptureAnnouncer(database.prisma);
  }

  // 3. Demo data only on the embedded database, and only while it has no devices, so a restart
  //    never duplicates it and a PostgreSQL deployment never gets it.
  if (config.databaseKind === "pglite" && config.SEED_DEMO_DATA !== "false") {
    const devices = await database.prisma.device.count();
    const missing = DEMO_TYPES.filter((t) => !getResourceType(t));
    if (devices === 0 && missing.length > 0) {
      logger.info({ missing }, `Demo data skipped: the config does not declare ${missing.join(", ")}`);
    } else if (devices === 0) {
      const started = Date.now();
      const summary = await seedDemoData(database.prisma);
      logger.info({ ...summary, ms: Date.now() - started }, "demo data loaded");
    }
  }

  // 4. The first console account on a fresh embedded database, with a one-time password. A
  //    PostgreSQL deployment gets none: its operator runs `npm run staff:create`.
  if (config.databaseKind === "pglite" && (await database.prisma.staffUser.count()) === 0) {
    const password = generatePassword();
    const admin = await createStaff(database.prisma, { email: FIRST_ADMIN_EMAIL, role: "admin", name: "Admin", password, oneTimePassword: true });
    logger.info({ email: admin.email }, `Console admin created: log in as ${admin.email} with the one-time password ${password}`);
  }

  // 5. Background jobs (compaction, retention) and webhook delivery, unless JOBS_ENABLED=false.
  startJobs(database.prisma, config);
  startWebhooks(database.prisma, config);

  // 6. Where to go next.
  const url = `http://localhost:${config.PORT}`;
  logger.info({ url, db: database.kind }, `Syncdesk is ready on ${url}`);
  logger.info("Get a device token with: npm run token -- --user alice");
}

/** The process-level start: a server that cannot boot must not accept traffic, so it exits. */
export async function startServer(): Promise<void> {
  try {
    await bootServer();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      logger.fatal({ err: error }, `Syncdesk failed to start: ${message}`);
    } catch {
      // The logger needs a valid config; when that is what failed, stderr is all there is.
      process.stderr.write(`Syncdesk failed to start: ${message}\n`);
    }
    process.exit(1);
  }
}
