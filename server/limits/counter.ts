// Fixed-window counters in the database, so every instance on one PostgreSQL shares them. One
// statement counts a hit on several keys at once: each key's window starts at its first hit and
// lasts `windowSeconds`; a hit after `reset_at` starts a new window. Database time (now()) is
// the clock, so instances with skewed clocks still agree.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { processSingleton } from "../process-singleton";

export type CounterHit = { key: string; count: number; retryAfterSeconds: number };

type Row = { key: string; count: number; retry_after: number; remaining_ms?: number };

/** Counts one hit on each key (distinct keys) and returns each key's count in its window. */
export async function hitCounters(db: Db, keys: readonly string[], windowSeconds: number): Promise<CounterHit[]> {
  const claims = await claimCounters(db, [...new Set(keys)].map((key) => ({ key, amount: 1 })), windowSeconds);
  return claims.map(({ key, count, retryAfterSeconds }) => ({ key, count, retryAfterSeconds }));
}

export type CounterClaim = { key: string; amount: number };
export type ClaimedCount = CounterHit & { amount: number; remainingMs: number };

// The column is an int: a refused request still adds its block (token-bucket.ts), so a key
// flooded long enough would overflow it (a 500 instead of a 429); the count stops here instead.
const COUNT_CEILING = 2 ** 31 - 1;

/**
 * Adds `amount` hits to each key (distinct keys) in one statement; each key's count afterwards,
 * and the time left in its window in milliseconds (database time).
 */
export async function claimCounters(db: Db, claims: readonly CounterClaim[], windowSeconds: number): Promise<ClaimedCount[]> {
  if (claims.length === 0) return [];
  // Sorted: concurrent statements lock shared rows (a user's) in the same order, never deadlock.
  const sorted = [...claims].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Through pg (sqlOf), not the ORM: device requests run this statement.
  const rows = await sqlOf(db)<Row>(
    `INSERT INTO rate_limit_counters AS c (key, count, reset_at)
     SELECT k, n, now() + make_interval(secs => $1::int) FROM unnest($2::text[], $3::int[]) AS h(k, n)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN c.reset_at <= now() THEN EXCLUDED.count ELSE least(c.count::bigint + EXCLUDED.count, $4)::int END,
       reset_at = CASE WHEN c.reset_at <= now() THEN EXCLUDED.reset_at ELSE c.reset_at END
     RETURNING key, count, ceil(extract(epoch FROM (reset_at - now())))::int AS retry_after,
       floor(extract(epoch FROM (reset_at - now())) * 1000)::int AS remaining_ms`,
    [windowSeconds, sorted.map((c) => c.key), sorted.map((c) => c.amount), COUNT_CEILING],
    { prepare: true },
  );
  sweepNowAndThen(db);
  const amounts = new Map(sorted.map((c) => [c.key, c.amount]));
  return rows.map((r) => ({
    key: r.key, count: Number(r.count), retryAfterSeconds: Math.max(1, Number(r.retry_after)),
    amount: amounts.get(r.key) ?? 0, remainingMs: Math.max(0, Number(r.remaining_ms ?? 0)),
  }));
}

/** The current count of a key (0 when it has no live window) without counting a hit. */
export async function readCounter(db: Db, key: string): Promise<CounterHit> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT key, count, ceil(extract(epoch FROM (reset_at - now())))::int AS retry_after
    FROM rate_limit_counters WHERE key = ${key} AND reset_at > now()`;
  const row = rows[0];
  return row ? { key, count: Number(row.count), retryAfterSeconds: Math.max(1, Number(row.retry_after)) } : { key, count: 0, retryAfterSeconds: 0 };
}

/** Extends a key's window to end `seconds` from now (a lock), keeping its count. */
export async function extendCounter(db: Db, key: string, seconds: number): Promise<void> {
  await db.$executeRaw`
    UPDATE rate_limit_counters SET reset_at = greatest(reset_at, now() + make_interval(secs => ${seconds}::int)) WHERE key = ${key}`;
}

export async function clearCounter(db: Db, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM rate_limit_counters WHERE key = ${key}`;
}

const SWEEP_EVERY_MS = 10 * 60_000;
declare module "../process-singleton" {
  interface ProcessSingletons {
    counterSweep: { lastAt: number };
  }
}

/** Deletes long-expired counters, at most once per ten minutes per process (never in the way). */
function sweepNowAndThen(db: Db): void {
  const now = Date.now();
  const sweep = processSingleton("counterSweep", () => ({ lastAt: 0 }));
  if (now - sweep.lastAt < SWEEP_EVERY_MS) return;
  sweep.lastAt = now;
  void db.$executeRaw`
    DELETE FROM rate_limit_counters WHERE key IN (
      SELECT key FROM rate_limit_counters WHERE reset_at < now() - interval '1 hour' LIMIT 10000)`.catch(() => {});
}
