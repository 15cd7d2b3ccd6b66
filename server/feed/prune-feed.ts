// Pruning the change feed after compaction: the events at or below the newest one compaction made
// incomplete (feed-position.ts "readCompactedHorizon") can serve no cursor any more (a cursor before
// that one is refused with 412 whatever is kept), so they are deleted, oldest first, in batches.
// Always a prefix by position, so a cursor below the oldest event kept is known to be stale; and
// the newest numbered event is always kept, because positions continue from the highest one
// (sequence.ts): deleting it would hand its position out again.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { readBounds, readCompactedHorizon } from "./feed-position";
import { sequenceFeed } from "./sequence";

export async function pruneFeed(db: Db, batchSize: number): Promise<number> {
  // Events are numbered when read; number the ones written since, so spent ones are pruned too.
  await sequenceFeed(db);
  const [{ oldest, newest }, horizon] = await Promise.all([readBounds(db), readCompactedHorizon(db)]);
  if (oldest === null || newest === null) return 0;
  const until = Math.min(horizon, newest - 1);
  let pruned = 0;
  for (let low = oldest; low <= until; low += batchSize) {
    const high = Math.min(low + batchSize - 1, until);
    const rows = await sqlOf(db)("DELETE FROM feed_events WHERE position BETWEEN $1 AND $2 RETURNING 1 AS gone", [low, high]);
    pruned += rows.length;
  }
  return pruned;
}
