// Where a feed read may start, and the checks that make a stale cursor a 412 instead of a silent
// gap (docs/backend.md "The change feed"):
//   - compaction deletes a stream's changes up to its point; an event with a seq at or below that
//     point is incomplete, and a cursor before it would skip changes (412 compacted);
//   - pruning deletes a prefix of events by position (prune-feed.ts); a cursor before the oldest
//     event kept would skip the pruned ones (412 compacted);
//   - a restored or failed-over database hands out positions and seqs again; the cursor's last
//     point must still be in this database's history (412 history_diverged, position.ts).
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import { checkStreamPositions } from "../sync/position";
import type { BootstrapReason } from "../sync/tokens";
import type { FeedCursor } from "./feed-cursor";

/** A feed follower starts again from the records (GET /server/records) and a new cursor. */
export const FEED_BOOTSTRAP_URL = "/api/v1/server/records";

export function feedBootstrapRequired(reason: BootstrapReason, message: string): AppError {
  return new AppError("bootstrap_required", message, { reason, bootstrap_url: FEED_BOOTSTRAP_URL });
}

type Bounds = { oldest: number | null; newest: number | null };

export async function readBounds(db: Db): Promise<Bounds> {
  const [row] = await sqlOf(db)<{ oldest: string | null; newest: string | null }>(
    "SELECT min(position) AS oldest, max(position) AS newest FROM feed_events WHERE position IS NOT NULL");
  return { oldest: row?.oldest == null ? null : Number(row.oldest), newest: row?.newest == null ? null : Number(row.newest) };
}

/**
 * The newest event compaction made incomplete (0 when none): every event after it is whole. One
 * index probe per compacted stream (feed_events_stream_from_seq_idx).
 */
export async function readCompactedHorizon(db: Db): Promise<number> {
  const [row] = await sqlOf(db)<{ horizon: string | null }>(
    `SELECT max(e.position) AS horizon FROM streams s
     CROSS JOIN LATERAL (SELECT max(position) AS position FROM feed_events
       WHERE stream = s.name AND from_seq <= s.compacted_until_seq) e
     WHERE s.compacted_until_seq > 0`);
  return Number(row?.horizon ?? 0);
}

/** Without a cursor: after the newest incomplete or pruned event, at the oldest change kept. */
export async function startPosition(db: Db): Promise<number> {
  const [{ oldest }, horizon] = await Promise.all([readBounds(db), readCompactedHorizon(db)]);
  return Math.max(horizon, (oldest ?? 1) - 1, 0);
}

/** Refuses a cursor whose last point this database's history does not hold (a restore or failover). */
export async function checkCursorHistory(db: Db, cursor: FeedCursor, bounds: Bounds): Promise<void> {
  const at = cursor.e?.p ?? cursor.a;
  const diverged = () => feedBootstrapRequired("history_diverged", "This cursor is in a history this server no longer has (a restore or failover); read the records again and start a new cursor");
  if (at > (bounds.newest ?? 0)) throw diverged();
  if (!cursor.fp) return;
  const { s: stream, q: seq, h: hash } = cursor.fp;
  // The event the cursor stands in must still be that stream's, with that seq.
  const [event] = await sqlOf(db)<{ stream: string; from_seq: string; to_seq: string }>(
    "SELECT stream, from_seq, to_seq FROM feed_events WHERE position = $1", [at]);
  if (event) {
    const inside = Number(event.from_seq) <= seq && seq <= Number(event.to_seq);
    if (event.stream !== stream || !(cursor.e ? inside : Number(event.to_seq) === seq)) throw diverged();
  } else if (bounds.oldest !== null && at >= bounds.oldest) {
    throw diverged(); // positions above the pruned prefix are never missing
  }
  try {
    await checkStreamPositions(db, new Map([[stream, seq]]), hash === null ? undefined : { [stream]: hash });
  } catch (error) {
    // The same verdicts as a device's token, pointing at the records instead of a device bootstrap.
    if (error instanceof AppError && error.code === "bootstrap_required") {
      throw feedBootstrapRequired(error.details?.reason === "compacted" ? "compacted" : "history_diverged", error.message);
    }
    throw error;
  }
}

/** Refuses a cursor older than the oldest event kept: the events pruned after it would be skipped. */
export function checkNotPruned(after: number, bounds: Bounds): void {
  if (bounds.oldest !== null && after + 1 < bounds.oldest) {
    throw feedBootstrapRequired("compacted", "Compaction removed changes after this cursor; read the records again and start a new cursor");
  }
}

/**
 * Refuses a page that needed changes compaction deleted: read after the page, since compaction
 * advances a stream's point before deleting (compact-stream.ts step 1), so a page that raced the
 * deletes sees the new point here.
 */
export async function checkRangesKept(db: Db, ranges: { stream: string; from: number }[]): Promise<void> {
  if (ranges.length === 0) return;
  const rows = await sqlOf(db)<{ name: string; compacted_until_seq: string }>(
    "SELECT name, compacted_until_seq FROM streams WHERE name = ANY($1::text[])", [[...new Set(ranges.map((r) => r.stream))]]);
  const points = new Map(rows.map((r) => [r.name, Number(r.compacted_until_seq)]));
  const lost = ranges.find((r) => (points.get(r.stream) ?? 0) >= r.from);
  if (lost) {
    throw feedBootstrapRequired("compacted", `Stream ${lost.stream} was compacted past this cursor; read the records again and start a new cursor`);
  }
}
