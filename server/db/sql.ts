// A minimal raw SQL session over either engine, for the migrator and schema checks: one
// connection, so session-level advisory locks and BEGIN/COMMIT behave as written.
import { PGlite } from "@electric-sql/pglite";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import pg from "pg";
import type { Db, DbOrTx, Tx } from "./client";
import { env } from "../env";

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

// Hot statements (the push transaction, the pull page) go straight to pg: through Prisma each
// statement costs ~0.4 ms CPU of argument serialisation and query interpretation, through pg
// ~0.05 ms, and a page of 1,000 rows ~1-2 ms more of result mapping (bench/profile.ts; README
// "Performance"). Inside a transaction that is the pg connection Prisma's interactive transaction
// holds: the one the adapter checks out of the pool when `inTransaction` starts it, which a pool
// with tracked connections records for that async context only. Outside a transaction it is the
// pool itself. Elsewhere (PGlite, a transaction not started by `inTransaction`) the same SQL runs
// through Prisma's $queryRawUnsafe, so SQL and results are the same on both engines.

/** Runs one statement; `$1`-style parameters; returns the rows. */
export type TxSql = <T = Record<string, unknown>>(text: string, params: unknown[]) => Promise<T[]>;

type Slot = { client?: pg.PoolClient; tx?: unknown };

// Process-wide, like the database itself (client.ts "getDatabase"): Next bundles this module into
// several chunks, and the copy that opened the database must share these with every route's copy.
const shared = globalThis as unknown as { syncdeskSql?: { slots: AsyncLocalStorage<Slot>; pools: WeakMap<object, pg.Pool> } };
shared.syncdeskSql ??= { slots: new AsyncLocalStorage<Slot>(), pools: new WeakMap<object, pg.Pool>() };
const { slots, pools } = shared.syncdeskSql;

/** Lets `sqlOf` reach `pool`, the pool under `prisma`'s adapter (server/db/client.ts). */
export function attachRawPool(prisma: Db, pool: pg.Pool): void {
  pools.set(prisma, pool);
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    const slot = slots.getStore();
    // pg's own pool.query() passes a callback; only the adapter's startTransaction awaits a client.
    // Only the first connection, taken before the transaction's callback runs, is the transaction's.
    if (args.length > 0 || !slot || slot.client || slot.tx) return connect(...args);
    return (connect() as Promise<pg.PoolClient>).then((client) => {
      slot.client = client;
      return client;
    });
  }) as typeof pool.connect;
}

/** True for a client on a PostgreSQL server (its pool is attached); false on the embedded database. */
export function onPostgresServer(db: DbOrTx): boolean {
  return pools.has(db);
}

/** `db.$transaction(fn)`, with the transaction's own pg connection known to `sqlOf` inside `fn`. */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T> {
  const slot: Slot = {};
  return slots.run(slot, () =>
    db.$transaction((tx) => {
      slot.tx = tx;
      return fn(tx);
    }, options),
  );
}

/**
 * The statement runner of `db` (a client or a transaction): pg when reachable, else Prisma. With
 * `prepare`, its statements are prepared once per connection (see `statement`).
 */
export function sqlOf(db: DbOrTx, options: { prepare?: boolean } = {}): TxSql {
  const slot = slots.getStore();
  const client = slot?.tx === db ? slot.client : undefined;
  const prepare = options.prepare === true && env().DATABASE_PREPARED_STATEMENTS === "true";
  if (client) return async <T>(text: string, params: unknown[]) => (await client.query(statement(text, params, prepare))).rows as T[];
  const pool = pools.get(db);
  if (pool) return async <T>(text: string, params: unknown[]) => (await pool.query(statement(text, params, prepare))).rows as T[];
  return <T>(text: string, params: unknown[]) => db.$queryRawUnsafe<T[]>(text, ...params);
}

// The push's statements run thousands of times with the same text: prepared once per connection
// (named by a hash of the text), PostgreSQL parses and plans them once instead of on every call,
// ~1 ms of its CPU per 100-item push (bench). Only statements whose plan cannot depend on their
// parameters' values ask for it: a generic plan is cached after a few runs. A cap keeps text built
// at run time from growing the set.
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
