// After a bundle commits, say so: live-update connections of this process hear it at once, other
// processes on the same PostgreSQL through NOTIFY (server/live/listener.ts). Called after the
// transaction resolved, so nobody is poked about a change a pull cannot see yet. Best effort: the
// change is committed whatever happens here, and a device also pulls on its own schedule.
//
// One NOTIFY at a time per database: announcements made while one is being sent wait and leave
// together, each stream with its newest head. A lone commit is announced at once; under load 50
// concurrent pushes cost a few NOTIFYs instead of 50 statements (bench, "Push"). The caller does
// not wait for the NOTIFY: its answer to the device does not depend on it.
import type { Db } from "../db/client";
import { onPostgresServer, sqlOf } from "../db/sql";
import { LIVE_CHANNEL, encodeAnnouncement, publishLocally, type Heads } from "../live/hub";
import { logger } from "../log";

type Outbox = { pending: Map<string, number>; sending: boolean };

// Per database client: a process (a test run) may hold several databases at once.
const outboxes = new WeakMap<Db, Outbox>();

export async function announceCommit(db: Db, heads: Heads): Promise<void> {
  if (Object.keys(heads).length === 0) return;
  publishLocally(heads);
  // The embedded database serves this process alone: there is nobody else to tell.
  if (!onPostgresServer(db)) return;
  const outbox = outboxes.get(db) ?? { pending: new Map<string, number>(), sending: false };
  outboxes.set(db, outbox);
  for (const [stream, head] of Object.entries(heads)) outbox.pending.set(stream, Math.max(head, outbox.pending.get(stream) ?? 0));
  if (!outbox.sending) void sendPending(db, outbox);
}

async function sendPending(db: Db, outbox: Outbox): Promise<void> {
  outbox.sending = true;
  try {
    while (outbox.pending.size > 0) {
      const heads = Object.fromEntries(outbox.pending);
      outbox.pending.clear();
      try {
        for (const payload of encodeAnnouncement(heads)) {
          // pg_notify returns void, which the ORM cannot read back: select a constant instead.
          await sqlOf(db)("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS n", [LIVE_CHANNEL, payload]);
        }
      } catch (error) {
        logger.warn({ err: error }, "live: NOTIFY failed; other instances poke on their next change");
      }
    }
  } finally {
    outbox.sending = false;
  }
}
