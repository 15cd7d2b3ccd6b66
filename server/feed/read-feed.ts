// GET /api/v1/server/changes (INTEGRATION.md section 2): every committed change exactly once, in
// seq order per stream, followed by cursor while commits race.
//   1. Number the committed events first (sequence.ts): a reader sees every event committed
//      before its request, and positions only ever grow behind what it has read.
//   2. Open the cursor (or start after the newest event compaction made incomplete) and refuse a
//      cursor from another history (412 history_diverged) or before the oldest event kept.
//   3. Take events after the cursor in position order, within the key's streams, while their
//      changes fit `limit`: an event never splits across pages unless it alone exceeds `limit`;
//      then it fills pages of `limit` back to back and the cursor points inside it.
//   4. Read those events' changes (with `types`), then check that compaction deleted none of them
//      (read after, so a page racing a compaction is refused, never delivered with a hole).
//   5. Sign the cursor at the last delivered point, with the history fingerprint there.
import type { Db } from "../db/client";
import { readFrom } from "../db/read-db";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import type { ServiceCaller } from "../keys/service-keys";
import { likePatterns } from "../keys/stream-patterns";
import { toWireChange } from "../sync/change-json";
import { ISO_UPDATED_AT, toChangeRow, type RawChangeRow } from "../sync/pull-read";
import { openFeedCursor, signFeedCursor, type FeedCursor } from "./feed-cursor";
import type { TServerChangesQuery, TServerChangesResponse } from "./feed-schemas";
import { checkCursorHistory, checkNotPruned, checkRangesKept, readBounds, startPosition } from "./feed-position";
import { patternWithin } from "./pattern-within";
import { sequenceFeed } from "./sequence";
import { ZChangeSource, type TChangeSource } from "./source";

type EventRow = { position: string; stream: string; from_seq: string; to_seq: string; source_kind: string; source_id: string };
/** The part of one event a page delivers. */
type Slice = { position: number; stream: string; from: number; to: number; whole: boolean; event: EventRow };

export async function readFeed(db: Db, caller: ServiceCaller, query: TServerChangesQuery): Promise<TServerChangesResponse> {
  // 1. (a write: on the primary; the rest may read a replica that has replayed it, read-db.ts)
  await sequenceFeed(db);
  return readFrom(db, (reader) => readSequenced(reader, caller, query));
}

async function readSequenced(db: Db, caller: ServiceCaller, query: TServerChangesQuery): Promise<TServerChangesResponse> {
  const patterns = query.streams ?? caller.streams;
  // 2.
  const bounds = await readBounds(db);
  const cursor: FeedCursor = query.cursor
    ? openFeedCursor(query.cursor, { streams: query.streams, types: query.types })
    : { a: await startPosition(db), f: [...patterns].sort(), t: query.types ? [...query.types].sort() : null };
  const outside = cursor.f.find((p) => !patternWithin(caller.streams, p));
  if (outside) throw new AppError("forbidden", `The service key's streams do not include ${outside}`);
  if (query.cursor) await checkCursorHistory(db, cursor, bounds);
  // 3.
  const events = await sqlOf(db)<EventRow>(
    `SELECT position, stream, from_seq, to_seq, source_kind, source_id FROM feed_events
     WHERE position > $1 AND stream LIKE ANY($2::text[]) ORDER BY position LIMIT $3::int`,
    [cursor.a, likePatterns(cursor.f), query.limit + 1]);
  const slices = takeSlices(events, cursor, query.limit);
  const more = slices.length < events.length || slices.at(-1)?.whole === false;
  // 4.
  const rows = await readSlices(db, slices, cursor.t);
  await checkRangesKept(db, slices.map((s) => ({ stream: s.stream, from: s.from })));
  // After the read too: events pruned while it ran would be missing from it, not refused.
  checkNotPruned(cursor.e ? cursor.e.p - 1 : cursor.a, await readBounds(db));
  const sources = new Map(slices.map((s) => [String(s.position), ZChangeSource.parse({ kind: s.event.source_kind, id: s.event.source_id })]));
  const changes = rows.map(({ position, ...row }) => ({ ...toWireChange(toChangeRow(row)), source: sourceOf(sources, position) }));
  // 5.
  return { changes, cursor: signFeedCursor(await advance(db, cursor, slices.at(-1))), more };
}

function sourceOf(sources: Map<string, TChangeSource>, position: unknown): TChangeSource {
  const source = sources.get(String(position));
  if (!source) throw new Error(`feed event ${position} was read without its slice`);
  return source;
}

/** Step 3: the slices of `events` a page of `limit` changes takes. */
function takeSlices(events: EventRow[], cursor: FeedCursor, limit: number): Slice[] {
  const slices: Slice[] = [];
  let room = limit;
  for (const event of events) {
    const position = Number(event.position);
    const resumed = cursor.e?.p === position ? cursor.e.s + 1 : Number(event.from_seq);
    const to = Number(event.to_seq);
    const size = to - resumed + 1;
    if (size <= room) {
      slices.push({ position, stream: event.stream, from: resumed, to, whole: true, event });
      room -= size;
    } else {
      if (slices.length === 0) slices.push({ position, stream: event.stream, from: resumed, to: resumed + room - 1, whole: false, event });
      break;
    }
  }
  return slices;
}

async function readSlices(db: Db, slices: Slice[], types: string[] | null): Promise<(RawChangeRow & { position: string })[]> {
  if (slices.length === 0) return [];
  return sqlOf(db)<RawChangeRow & { position: string }>(
    `SELECT s.position, c.stream, c.seq, c.type, c.record_id, c.op, c.version, c.data::text AS data, ${ISO_UPDATED_AT}, c.batch_id,
       c.conflict::text AS conflict, c.hash
     FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) AS s(position, stream, lo, hi)
     JOIN changes c ON c.stream = s.stream AND c.seq BETWEEN s.lo AND s.hi
     WHERE $5::text[] IS NULL OR c.type = ANY($5::text[])
     ORDER BY s.position, c.seq`,
    [slices.map((s) => s.position), slices.map((s) => s.stream), slices.map((s) => s.from), slices.map((s) => s.to), types]);
}

/** Step 5: the cursor after `last` (unchanged when the page took nothing). */
async function advance(db: Db, cursor: FeedCursor, last: Slice | undefined): Promise<FeedCursor> {
  if (!last) return cursor;
  const [change] = await sqlOf(db)<{ hash: string | null }>("SELECT hash FROM changes WHERE stream = $1 AND seq = $2", [last.stream, last.to]);
  const fp = { s: last.stream, q: last.to, h: change?.hash ?? null };
  return last.whole
    ? { a: last.position, fp, f: cursor.f, t: cursor.t }
    : { a: last.position - 1, e: { p: last.position, s: last.to }, fp, f: cursor.f, t: cursor.t };
}
