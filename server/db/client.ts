// The Prisma client of this process, on PostgreSQL (DATABASE_URL) or the embedded PGlite,
// migrated before first use. Only server/** imports this module.
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { env } from "../env";
import { processSingleton } from "../process-singleton";
import { statementTimeoutMs } from "../limits/timeouts";
import { openEmbedded } from "./embedded";
import { LIVE_CHANNEL, receiveAnnouncement } from "../live/hub";
import { PrismaClient, type Prisma } from "./generated/client";
import { migrate, readMigrations } from "./migrator";
import { attachEngine, pgEngine, pgliteEngine } from "./sql";
import { openPgSession, sessionFromPglite, type SqlSession } from "./sql-session";

export type Db = PrismaClient;
/** A client usable inside `db.$transaction(async (tx) => ...)`. */
export type Tx = Prisma.TransactionClient;
export type DbOrTx = Db | Tx;

export type Database = {
  prisma: PrismaClient;
  kind: "postgres" | "pglite";
  /** The connection pool on PostgreSQL (its usage is a metric); none on the embedded database. */
  pool?: pg.Pool;
  close(): Promise<void>;
};

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/**
 * Opens and migrates a database. Tests call this directly with their own URL or directory, or
 * with an embedded database they created from an already migrated snapshot.
 */
export async function openDatabase(
  target: { url: string; statementTimeoutMs?: number } | { dataDir: string } | { pglite: PGlite },
  migrationsDir = MIGRATIONS_DIR,
): Promise<Database> {
  if ("url" in target) {
    const session = await openPgSession(target.url);
    try {
      await migrate(session, readMigrations(migrationsDir));
    } finally {
      await session.close();
    }
    // statement_timeout bounds each statement of every pooled connection, connectionTimeoutMillis
    // the wait for a free one (server/limits/timeouts.ts).
    const pool = new pg.Pool({
      connectionString: target.url,
      max: 10,
      statement_timeout: target.statementTimeoutMs,
      connectionTimeoutMillis: target.statementTimeoutMs,
    });
    // An idle connection the server closed is replaced on next use; it must not crash the process.
    pool.on("error", () => {});
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    // The engine reads and writes through pg itself (server/db/sql.ts).
    attachEngine(prisma, pgEngine(pool));
    return {
      prisma,
      kind: "postgres",
      pool,
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const pglite = "pglite" in target ? target.pglite : await openEmbedded(target.dataDir);
  await migrate(sessionFromPglite(pglite), readMigrations(migrationsDir));
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  attachEngine(prisma, pgliteEngine(pglite));
  // Syncdesk's own commits are announced in-process (server/sync/announce.ts), and so are SQL
  // writes to captured tables (server/capture/announce.ts); a NOTIFY from SQL of a team's own
  // still reaches this process's listeners.
  await pglite.listen(LIVE_CHANNEL, receiveAnnouncement);
  return {
    prisma,
    kind: "pglite",
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/** A raw session on the configured database (for `npm run db:migrate` and schema checks). */
export async function withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
  const config = env();
  if (config.DATABASE_URL) {
    const session = await openPgSession(config.DATABASE_URL);
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  }
  const pglite = await openEmbedded(config.DATA_DIR);
  try {
    return await fn(sessionFromPglite(pglite));
  } finally {
    await pglite.close();
  }
}

declare module "../process-singleton" {
  interface ProcessSingletons { database: { current: Promise<Database> | undefined } }
}

const database = () => processSingleton("database", () => ({ current: undefined }));

/** The process-wide database, opened and migrated once (shared across Next's module copies). */
export function getDatabase(): Promise<Database> {
  const box = database();
  if (!box.current) {
    const config = env();
    const opening = openDatabase(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, statementTimeoutMs: statementTimeoutMs(config.DB_STATEMENT_TIMEOUT_SECONDS) }
        : { dataDir: config.DATA_DIR },
    );
    box.current = opening;
    opening.catch(() => {
      if (box.current === opening) box.current = undefined;
    });
  }
  return box.current;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).prisma;
}

/** Installs an already opened database as the process-wide one (used by test harnesses). */
export function setDatabase(opened: Database): void {
  database().current = Promise.resolve(opened);
}
