// The engine's one way to the database: a statement runner and transactions of its own, over pg
// on PostgreSQL and over PGlite itself on the embedded database. Every change-log writer and
// reader of server/sync uses it; the console domains keep the ORM where it reads well.
//
// Why not the ORM for the engine: through Prisma each statement costs ~0.4 ms CPU of argument
// serialisation and query interpretation, through pg ~0.05 ms, and a page of 1,000 rows ~1-2 ms
// more of result mapping (bench/profile.ts; README "Performance"). Why its own transactions: a
// Prisma interactive transaction holds a connection the engine cannot reach without patching the
// pool. Here the transaction is the engine's, and whatever runs inside takes its `sql`.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { createHash } from "node:crypto";
import pg, { type QueryResultRow } from "pg";
import { env } from "../env";
import { processSingleton } from "../process-singleton";
import type { Db } from "./client";

export type SqlOptions = {
  /**
   * Prepare once per connection (PostgreSQL only). For statements run thousands of times whose
   * plan cannot depend on their parameters' values: a generic plan is cached after a few runs.
   */
  prepare?: boolean;
};

/** Runs one statement with `$1`-style parameters and returns its rows. */
export type Sql = <T = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: SqlOptions) => Promise<T[]>;

/** Runs one statement and hands each row to `onRow` as it arrives; no array of the rows is kept. */
export type EachRow = <T = Record<string, unknown>>(text: string, params: readonly unknown[], onRow: (row: T) => void) => Promise<void>;

export type SqlEngine = {
  kind: "postgres" | "pglite";
  /** Statements outside any transaction (each on a pooled connection, autocommit). */
  sql: Sql;
  /**
   * A statement outside any transaction whose rows are consumed one by one (a bootstrap page).
   * Why not `sql`: pg collects a result's rows in an array that lives while they arrive. After a
   * few hundred pages V8 pretenured such containers (allocated them in old space), and everything
   * they held (a page's 5,000 row strings) then survived scavenges until the next full GC: the
   * heap grew ~10 MiB per scavenge (bench/profiles/2026-12-06-bootstrap-memory.md).
   */
  eachRow: EachRow;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
};

export function pgEngine(pool: pg.Pool): SqlEngine {
  // The setting is read per statement, not when the pool opens: env() is read once per process,
  // and a database may be opened before the process's environment is complete (test harnesses).
  const runOn = (target: pg.Pool | pg.PoolClient): Sql => async <T>(text: string, params: readonly unknown[] = [], opts?: SqlOptions) =>
    (await run(target, statement(text, [...params], opts?.prepare === true && env().DATABASE_PREPARED_STATEMENTS === "true"))).rows as T[];
  return {
    kind: "postgres",
    sql: runOn(pool),
    eachRow: (text, params, onRow) => eachRowOn(pool, text, params, onRow),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A connection lost between two statements (a killed session, a failover) has no query to
      // reject, so pg emits 'error' on the client, which the pool does not listen to while the
      // client is checked out: unhandled, it would crash the process. The next statement fails
      // anyway; the client is not given back.
      const onLost = (error: Error) => {
        broken = error;
      };
      client.on("error", onLost);
      try {
        await run(client, { text: "BEGIN" });
        const result = await fn(runOn(client));
        await run(client, { text: "COMMIT" });
        return result;
      } catch (error) {
        // A connection that cannot even roll back is not given back to the pool.
        await run(client, { text: "ROLLBACK" }).catch((rollback: unknown) => {
          broken = rollback instanceof Error ? rollback : new Error(String(rollback));
        });
        throw error;
      } finally {
        client.removeListener("error", onLost);
        client.release(broken);
      }
    },
  };
}

export function pgliteEngine(db: PGlite): SqlEngine {
  const runOn = (target: PGlite | Transaction): Sql => async <T>(text: string, params: readonly unknown[] = []) =>
    (await target.query<T>(text, [...params])).rows;
  return {
    kind: "pglite",
    sql: runOn(db),
    // In process, PGlite hands back all rows at once anyway.
    eachRow: async <T>(text: string, params: readonly unknown[], onRow: (row: T) => void) => {
      for (const row of (await db.query<T>(text, [...params])).rows) onRow(row);
    },
    // PGlite's own transaction: its mutex also orders it with the ORM's transactions (the adapter
    // uses the same one), so the single connection never interleaves two of them.
    transaction: (fn) => db.transaction((tx) => fn(runOn(tx))),
  };
}

/**
 * One statement through pg's callback interface. Why not the promise pg returns: through it, a
 * statement's parameters (a push's data, ~40 KB per statement) survived two scavenges and were
 * promoted to the old generation, even with one statement at a time (~130 KiB per push; through
 * the callback 7.5 KiB), and the old generation then grew to ~4x its live size before a full GC.
 * Why the promise does that was not found (bench/profiles/2026-12-08-push-memory.md).
 */
function run(target: pg.Pool | pg.PoolClient, config: pg.QueryConfig): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    target.query(config, (error: Error | undefined, result: pg.QueryResult) => (error ? reject(error) : resolve(result)));
  });
}

// A pg Query with a 'row' listener and no callback does not collect its rows (pg/lib/query.js).
async function eachRowOn<T>(pool: pg.Pool, text: string, params: readonly unknown[], onRow: (row: T) => void): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed: unknown;
      const query = client.query(new pg.Query<T & QueryResultRow>({ text, values: [...params] }));
      query.on("row", (row: T) => {
        if (failed !== undefined) return;
        try {
          onRow(row);
        } catch (error) {
          failed = error; // the statement still runs to its end, so the connection stays usable
        }
      });
      query.on("end", () => (failed === undefined ? resolve() : reject(failed instanceof Error ? failed : new Error(String(failed)))));
      query.on("error", (error: Error) => {
        broken = error;
        reject(error);
      });
    });
  } finally {
    // After an error the connection may be mid-protocol: it is not given back.
    client.release(broken);
  }
}

declare module "../process-singleton" {
  interface ProcessSingletons { sqlEngines: WeakMap<object, SqlEngine> }
}

// Process-wide, like the database itself (client.ts "getDatabase"): the module copy that opened
// the database must share the map with every route's copy.
const engines = processSingleton("sqlEngines", () => new WeakMap<object, SqlEngine>());

/** Makes `engine` the SQL path of `prisma` (both over the same database; server/db/client.ts). */
export function attachEngine(prisma: Db, engine: SqlEngine): void {
  engines.set(prisma, engine);
}

export function engineOf(db: Db): SqlEngine {
  const engine = engines.get(db);
  if (!engine) throw new Error("This database client was not opened with openDatabase (server/db/client.ts)");
  return engine;
}

/** The statement runner of `db` outside transactions. */
export function sqlOf(db: Db): Sql {
  return engineOf(db).sql;
}

/** True on a PostgreSQL server; false on the embedded database. */
export function onPostgresServer(db: Db): boolean {
  return engineOf(db).kind === "postgres";
}

// Prepared statements are named by a hash of their text, so every connection prepares each once
// (PostgreSQL then parses and plans it once instead of on every call: ~1 ms of its CPU per
// 100-item push, bench). A cap keeps text built at run time from growing the set.
const MAX_PREPARED = 64;
const preparedNames = new Map<string, string>();

function statement(text: string, values: unknown[], prepare: boolean): pg.QueryConfig {
  if (!prepare) return { text, values };
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED) {
    name = `syncdesk_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return name ? { name, text, values } : { text, values };
}
