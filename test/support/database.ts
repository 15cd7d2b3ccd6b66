// Databases for integration tests: one fresh database per call, on the engine the vitest project
// selects (TEST_DB_ENGINE = pglite | postgres), removed again by close(). Tests never share state
// and never touch a database they did not create. Only local PostgreSQL servers are accepted,
// so a stray TEST_DATABASE_URL cannot point the suite at a real deployment.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, type Database } from "@/server/db/client";
import { openPgSession, sessionFromPglite, type SqlSession } from "@/server/db/sql-session";

export type TestDbEngine = "pglite" | "postgres";
export type TestDatabase = Database & { url?: string; name: string };

/** A fresh, unmigrated database and a raw session on it (for migrator and catalog tests). */
export type EmptyTestDatabase = {
  engine: TestDbEngine;
  name: string;
  session: SqlSession;
  /** Opens another connection to the same database. PostgreSQL only: PGlite is one connection. */
  connect(): Promise<SqlSession>;
  close(): Promise<void>;
};

const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function testDbEngine(source: Record<string, string | undefined> = process.env): TestDbEngine {
  const engine = source.TEST_DB_ENGINE ?? "pglite";
  if (engine !== "pglite" && engine !== "postgres") {
    throw new Error(`TEST_DB_ENGINE must be "pglite" or "postgres", got "${engine}"`);
  }
  return engine;
}

/** Throws unless the URL points at this machine (or TEST_ALLOW_REMOTE_DB=1 says otherwise). */
export function assertLocalDatabaseUrl(
  url: string,
  source: Record<string, string | undefined> = process.env,
): void {
  if (source.TEST_ALLOW_REMOTE_DB === "1") return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Test database URL is not a valid URL: ${url}`);
  }
  // libpq lets `?host=` override the authority; a socket directory is local by definition.
  const host = parsed.searchParams.get("host") ?? parsed.hostname;
  if (host.startsWith("/") || LOCAL_HOSTS.has(host)) return;
  throw new Error(
    `Refusing to run tests against non-local PostgreSQL host "${host}": tests create and drop ` +
      `databases. Use 127.0.0.1/localhost/::1, or set TEST_ALLOW_REMOTE_DB=1 if you really mean it.`,
  );
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  assertLocalDatabaseUrl(url);
  return url;
}

function urlForDatabase(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminSession<T>(fn: (admin: SqlSession) => Promise<T>): Promise<T> {
  const admin = await openPgSession(adminUrl());
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/**
 * Creates a PostgreSQL database, empty or as a copy of `template`; returns its name, URL and a
 * drop function.
 */
export async function createPgDatabase(
  prefix = "syncdesk_t",
  template?: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  // Lower-case hex only, so the name never needs quoting rules beyond the plain identifier.
  const name = `${prefix}_${randomBytes(8).toString("hex")}`;
  const admin = adminUrl();
  const copy = template ? ` TEMPLATE "${template}"` : "";
  await withAdminSession((session) => session.exec(`CREATE DATABASE "${name}"${copy}`));
  return {
    name,
    url: urlForDatabase(admin, name),
    drop: () => withAdminSession((session) => session.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

type Templates = { pgTemplateDatabase?: string; pgliteTemplateFile?: string };

/** What the integration tiers' global setup migrated once (test/support/database-template.ts). */
async function providedTemplates(): Promise<Templates> {
  // Scripts outside vitest (scripts/bench-compaction.ts) migrate their own database.
  if (!process.env.VITEST) return {};
  const { inject } = await import("vitest");
  return { pgTemplateDatabase: inject("pgTemplateDatabase"), pgliteTemplateFile: inject("pgliteTemplateFile") };
}

let pgliteSnapshot: { file: string; data: Blob } | undefined;

async function openPgliteCopy(file: string | undefined): Promise<PGlite> {
  if (!file) return PGlite.create();
  if (pgliteSnapshot?.file !== file) pgliteSnapshot = { file, data: new Blob([readFileSync(file)]) };
  return PGlite.create({ loadDataDir: pgliteSnapshot.data });
}

/** A migrated database with a Prisma client, on the current engine. close() removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templates = await providedTemplates();
  if (testDbEngine() === "pglite") {
    const database = await openDatabase({ pglite: await openPgliteCopy(templates.pgliteTemplateFile) });
    return { ...database, name: `pglite_${randomBytes(4).toString("hex")}` };
  }
  const created = await createPgDatabase("syncdesk_t", templates.pgTemplateDatabase);
  let database: Database;
  try {
    database = await openDatabase({ url: created.url });
  } catch (error) {
    await created.drop();
    throw error;
  }
  return {
    ...database,
    name: created.name,
    url: created.url,
    close: async () => {
      try {
        await database.close();
      } finally {
        await created.drop();
      }
    },
  };
}

/** An empty database of the current engine with a raw session, for migrator tests. */
export async function createEmptyTestSession(): Promise<EmptyTestDatabase> {
  if (testDbEngine() === "pglite") {
    const pglite = await PGlite.create();
    return {
      engine: "pglite",
      name: `pglite_${randomBytes(4).toString("hex")}`,
      session: sessionFromPglite(pglite),
      connect: () => Promise.reject(new Error("PGlite is a single connection in a single process")),
      close: () => pglite.close(),
    };
  }
  const created = await createPgDatabase();
  const sessions: SqlSession[] = [];
  const connect = async () => {
    const session = await openPgSession(created.url);
    sessions.push(session);
    return session;
  };
  let session: SqlSession;
  try {
    session = await connect();
  } catch (error) {
    await created.drop();
    throw error;
  }
  return {
    engine: "postgres",
    name: created.name,
    session,
    connect,
    close: async () => {
      try {
        await Promise.allSettled(sessions.map((s) => s.close()));
      } finally {
        await created.drop();
      }
    },
  };
}
