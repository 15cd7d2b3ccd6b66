// A minimal raw SQL session over either engine, for the migrator and schema checks: one
// connection, so session-level advisory locks and BEGIN/COMMIT behave as written.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script (no parameters). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export function sessionFromPglite(db: PGlite): SqlSession {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    // The embedded database outlives the session: the app keeps using it.
    close: async () => {},
  };
}

export async function openPgSession(connectionString: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString });
  // A server-side close of an idle session must surface on the next query, not crash the process.
  client.on("error", () => {});
  await client.connect();
  return {
    query: async <T>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params)).rows as T[],
    exec: async (script) => {
      await client.query(script);
    },
    close: () => client.end(),
  };
}
