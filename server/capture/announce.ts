// Live pokes for the changes the commit-time flush adds inside Syncdesk's own transactions (what
// a team's trigger or default wrote beyond the bundle; docs/tables.md "How it works"; the
// sequencer announces outside writes itself). The flush runs inside the writer's transaction and
// cannot NOTIFY without serialising every captured commit on PostgreSQL's notify lock (migration
// 20261208010000_capture_announce); it leaves each advanced stream's head in capture_announce. Each instance takes the committed rows every
// interval (DELETE ... RETURNING: one instance gets each row) and announces them like a push's
// commit (server/sync/announce.ts): its own live connections at once, the others through NOTIFY.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { logger } from "../log";
import { announceCommit } from "../sync/announce";
import type { Heads } from "../live/hub";

/** How often an instance looks for SQL-written heads: the most a SQL write's poke waits. */
export const ANNOUNCE_INTERVAL_MS = 250;

/** Rows one pass takes at most (a backlog left while no instance ran takes several passes). */
const PASS_LIMIT = 5_000;

/** Announces the heads captured SQL writes advanced since the last pass; returns them. */
export async function announceCapturedHeads(db: Db): Promise<Heads> {
  const rows = await sqlOf(db)<{ stream: string; head: string }>(
    "DELETE FROM capture_announce WHERE id IN (SELECT id FROM capture_announce ORDER BY id LIMIT $1) RETURNING stream, head::text", [PASS_LIMIT]);
  const heads: Heads = {};
  for (const row of rows) heads[row.stream] = Math.max(Number(row.head), heads[row.stream] ?? 0);
  await announceCommit(db, heads);
  return heads;
}

/** Starts the passes (one at a time); the returned function stops them. */
export function startCaptureAnnouncer(db: Db, intervalMs = ANNOUNCE_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    announceCapturedHeads(db)
      .catch((error: unknown) => logger.warn({ err: error }, "capture: announcing SQL-written heads failed; the next pass retries"))
      .finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
