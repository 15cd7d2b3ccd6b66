// After a bundle commits, say so: live-update connections of this process hear it at once, other
// processes on the same PostgreSQL through NOTIFY (server/live/listener.ts). Called after the
// transaction resolved, so nobody is poked about a change a pull cannot see yet. Best effort: the
// change is committed whatever happens here, and a device also pulls on its own schedule.
import type { DbOrTx } from "../db/client";
import { sqlOf } from "../db/sql";
import { LIVE_CHANNEL, encodeAnnouncement, publishLocally } from "../live/hub";
import { logger } from "../log";

export async function announceCommit(db: DbOrTx, heads: Record<string, number>): Promise<void> {
  if (Object.keys(heads).length === 0) return;
  publishLocally(heads);
  try {
    for (const payload of encodeAnnouncement(heads)) {
      // pg_notify returns void, which the ORM cannot read back: select a constant instead.
      await sqlOf(db)("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS n", [LIVE_CHANNEL, payload]);
    }
  } catch (error) {
    logger.warn({ err: error }, "live: NOTIFY failed; other instances poke on their next change");
  }
}
