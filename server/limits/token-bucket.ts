// Instance-local token buckets in front of the shared rate-limit counters (counter.ts), so that a
// device request does not write to the database every time (issue 21: that write was a tenth of
// an empty pull's server CPU). A bucket is filled by claiming a block of hits from the shared
// counter in one statement; the instance then admits that many requests on its own until the
// block is spent or the window it was counted in ends, and claims again.
//
// Tolerance: every admitted request was counted in the shared counter first, so all instances
// together never admit more than the limit in a window. What a block costs is the other way: an
// instance may hold up to BLOCK - 1 claimed but unused tokens of a key, so a client spread over
// several instances can be refused up to (instances - 1) x (BLOCK - 1) requests early (more after
// a burst: concurrent requests finding a bucket empty each claim a block, all kept). BLOCK is
// 1% of the limit, at most 100; under 200 requests per window it is 1, one statement per request
// exactly as without buckets.
import type { Db } from "../db/client";
import { processSingleton } from "../process-singleton";
import { claimCounters } from "./counter";

/** The share of a limit one instance claims at a time, and the most it claims at once. */
const BLOCK_SHARE = 0.01;
const MAX_BLOCK = 100;
/** Buckets kept before spent and expired ones are swept out. */
const SWEEP_AT = 10_000;

type Bucket = { tokens: number; expiresAt: number };

export type BucketRule = { key: string; limit: number };
export type BucketVerdict = { key: string; admitted: boolean; retryAfterSeconds: number };

declare module "../process-singleton" {
  interface ProcessSingletons {
    // Per database handle: tests open several databases in one process, instances one each.
    rateLimitBuckets: WeakMap<object, Map<string, Bucket>>;
  }
}

/** How many hits an instance claims from the shared counter at a time for `limit`. */
export function blockSize(limit: number): number {
  return Math.max(1, Math.min(MAX_BLOCK, Math.floor(limit * BLOCK_SHARE)));
}

function bucketsOf(db: Db): Map<string, Bucket> {
  const all = processSingleton("rateLimitBuckets", () => new WeakMap<object, Map<string, Bucket>>());
  let buckets = all.get(db);
  if (!buckets) {
    buckets = new Map();
    all.set(db, buckets);
  }
  return buckets;
}

function sweep(buckets: Map<string, Bucket>, now: number): void {
  if (buckets.size < SWEEP_AT) return;
  for (const [id, bucket] of buckets) if (bucket.tokens <= 0 || bucket.expiresAt <= now) buckets.delete(id);
}

/**
 * Takes one token for each rule (one request of each key): from this instance's bucket when it
 * holds one, else by claiming a block from the shared counter. Refused keys say when their window ends.
 */
export async function takeTokens(db: Db, rules: readonly BucketRule[], windowSeconds: number): Promise<BucketVerdict[]> {
  const buckets = bucketsOf(db);
  const now = Date.now();
  const verdicts: BucketVerdict[] = [];
  const claims: { id: string; rule: BucketRule }[] = [];
  for (const rule of rules) {
    // The limit and window are part of the bucket: tokens claimed under one setting are not another's.
    const id = `${rule.key}|${rule.limit}|${windowSeconds}`;
    const bucket = buckets.get(id);
    if (bucket && bucket.tokens > 0 && bucket.expiresAt > now) {
      bucket.tokens -= 1;
      verdicts.push({ key: rule.key, admitted: true, retryAfterSeconds: Math.ceil((bucket.expiresAt - now) / 1000) });
    } else {
      claims.push({ id, rule });
    }
  }
  if (claims.length === 0) return verdicts;
  // The window's end as seen from before the statement: never later than the database's.
  const sentAt = Date.now();
  const rows = await claimCounters(db, claims.map(({ rule }) => ({ key: rule.key, amount: blockSize(rule.limit) })), windowSeconds);
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const { id, rule } of claims) {
    const row = byKey.get(rule.key);
    // Of the block, only what fits under the limit is this instance's to admit.
    const granted = row ? row.amount - Math.max(0, row.count - rule.limit) : 0;
    // Concurrent requests that all found the bucket empty each claimed a block: their tokens add
    // up (all were counted), ending at the earliest window end among them, never later than any.
    const held = buckets.get(id);
    const kept = held && held.tokens > 0 && held.expiresAt > sentAt ? held : undefined;
    const tokens = (kept?.tokens ?? 0) + Math.max(0, granted - 1);
    const expiresAt = Math.min(kept?.expiresAt ?? Infinity, row ? sentAt + row.remainingMs : Infinity);
    if (tokens > 0 && expiresAt > sentAt) buckets.set(id, { tokens, expiresAt });
    else buckets.delete(id);
    verdicts.push({ key: rule.key, admitted: granted >= 1, retryAfterSeconds: row?.retryAfterSeconds ?? windowSeconds });
  }
  sweep(buckets, sentAt);
  return verdicts;
}
