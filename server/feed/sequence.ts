// The change feed's order (INTEGRATION.md "GET /api/v1/server/changes": every committed change
// exactly once, in seq order per stream, while commits race). A bundle writes its feed events
// without a position (bundle.ts); positions are given here, after commit:
//   1. one sequencer at a time, across instances: a transaction-scoped advisory lock;
//   2. every event this transaction sees committed and unnumbered gets the next positions, in
//      insertion order.
// Why this cannot skip: a position is only ever given to a committed event, and passes commit one
// after another, so every position a reader sees is greater than the positions visible before it.
// A transaction still running when a pass looks is numbered by a later pass, above everything
// seen so far, so a reader that has gone past position P never misses an event numbered later.
// Why seq order per stream holds: a stream's head lock is held until commit (bundle.ts), so its
// later bundle commits later, inserts its event later (higher id) and is never visible to a pass
// that cannot see the earlier one.
// Positions continue from the highest one kept: pruning must keep the newest numbered event.
import type { Db } from "../db/client";
import { engineOf } from "../db/sql";

/** Events numbered in one pass at most (a backlog takes several passes). */
const PASS_LIMIT = 5_000;

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('syncdesk.feed.sequence'))";

const NUMBER_EVENTS = `
  WITH base AS (SELECT COALESCE(max(position), 0) AS p FROM feed_events),
  pending AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n
    FROM (SELECT id FROM feed_events WHERE position IS NULL ORDER BY id LIMIT $1) x
  )
  UPDATE feed_events f SET position = base.p + pending.n
  FROM pending, base WHERE f.id = pending.id
  RETURNING f.position`;

/** Numbers the committed events that have no position yet; returns how many it numbered. */
export async function sequenceFeed(db: Db): Promise<number> {
  let numbered = 0;
  for (;;) {
    const pass = await engineOf(db).transaction(async (sql) => {
      // 1.
      await sql(LOCK);
      // 2.
      return (await sql(NUMBER_EVENTS, [PASS_LIMIT])).length;
    });
    numbered += pass;
    if (pass < PASS_LIMIT) return numbered;
  }
}
