// Hot standbys that serve reads (DATABASE_READ_URLS; docs/deployment.md "Read replicas"). Each is
// a PostgreSQL streaming replica of the primary: same schema, same history, behind by its lag.
// This file keeps the set (pools, round robin, cool-down of a replica that failed); which reads
// may use it, and how stale a replica may be, is read-db.ts.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "../env";
import { statementTimeoutMs } from "../limits/timeouts";
import { processSingleton } from "../process-singleton";
import type { Db } from "./client";
import { PrismaClient } from "./generated/client";
import { attachEngine, pgEngine } from "./sql";

/** How long a replica that failed a check or a read is left out before it is tried again. */
export const REPLICA_COOL_DOWN_MS = 5_000;

export type Replica = {
  /** `host:port/db` of its URL: for logs and metrics, never the credentials. */
  name: string;
  db: Db;
  pool: pg.Pool;
  /** Not chosen before this time (ms since the epoch). */
  downUntil: number;
  /** The furthest WAL position it was seen to have replayed; replay only moves forward. */
  replayed: bigint;
};

export type ReplicaSet = { replicas: Replica[]; next: number; waitMs: number };

/** Opens a pool on a standby. Nothing is migrated: a physical replica has the primary's schema. */
function openReplica(url: string, timeoutMs: number | undefined): Replica {
  const pool = new pg.Pool({ connectionString: url, max: 10, statement_timeout: timeoutMs, connectionTimeoutMillis: timeoutMs ?? 5_000 });
  pool.on("error", () => {}); // a standby that restarts must not crash the process
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  attachEngine(db, pgEngine(pool));
  const parsed = new URL(url);
  return { name: `${parsed.host}${parsed.pathname}`, db, pool, downUntil: 0, replayed: 0n };
}

declare module "../process-singleton" {
  interface ProcessSingletons { replicas: { current: ReplicaSet | null | undefined } }
}

const box = () => processSingleton("replicas", () => ({ current: undefined }));

/** This process's replicas (from DATABASE_READ_URLS on first use); null when there are none. */
export function replicaSet(): ReplicaSet | null {
  const holder = box();
  if (holder.current === undefined) {
    const config = env();
    holder.current = config.DATABASE_READ_URLS.length === 0 ? null : makeSet(config.DATABASE_READ_URLS, config.DATABASE_READ_WAIT_MS, statementTimeoutMs(config.DB_STATEMENT_TIMEOUT_SECONDS));
  }
  return holder.current;
}

function makeSet(urls: string[], waitMs: number, timeoutMs?: number): ReplicaSet {
  return { replicas: urls.map((url) => openReplica(url, timeoutMs)), next: 0, waitMs };
}

/** Installs replicas for this process (test harnesses; the server reads DATABASE_READ_URLS). */
export async function installReplicas(urls: string[], waitMs = 200): Promise<ReplicaSet> {
  await closeReplicas();
  const set = makeSet(urls, waitMs);
  box().current = set;
  return set;
}

export async function closeReplicas(): Promise<void> {
  const set = box().current;
  box().current = undefined;
  for (const replica of set?.replicas ?? []) {
    await replica.db.$disconnect().catch(() => undefined);
    await replica.pool.end().catch(() => undefined);
  }
}

/** The replicas not cooling down, starting one further each call (round robin). */
export function candidatesOf<R extends { downUntil: number }>(set: { replicas: R[]; next: number }, now: number): R[] {
  const start = set.next++ % set.replicas.length;
  const rotated = [...set.replicas.slice(start), ...set.replicas.slice(0, start)];
  return rotated.filter((r) => r.downUntil <= now);
}

export function markDown(replica: Pick<Replica, "downUntil" | "replayed">, now = Date.now()): void {
  replica.downUntil = now + REPLICA_COOL_DOWN_MS;
  replica.replayed = 0n; // it may come back as another server (rebuilt, or promoted)
}
