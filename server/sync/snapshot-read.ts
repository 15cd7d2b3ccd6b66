// The bootstrap's read of one page of the snapshot (bootstrap.ts step 2): each record comes back as
// its wire JSON (ZRecord's fields in order), written by PostgreSQL with the stored document as it
// prints it (data::text). Reading each record as eight fields, the document parsed into objects, only
// to serialise it all again cost the server ~27 ms CPU per page of 5,000 records against ~23 this way
// (bench/profiles/2026-12-05-bootstrap.md). Rows stay rows, streamed as PostgreSQL sends them: one
// string_agg of the whole page halved the server's CPU but made it wait for the whole page before
// the first byte, and lowered throughput.
//
// PostgreSQL's JSON text differs from JSON.stringify's only in which characters it escapes and, in
// documents, in spacing and number spelling; the values are the same (test/sync/bootstrap-wire).
import type { Db } from "../db/client";
import { engineOf } from "../db/sql";
import { RecordTexts } from "./record-texts";
import type { BootstrapCursor } from "./tokens";

/** A page of the snapshot: its records' JSON texts, the key of the last one, whether more follow. */
export type SnapshotPage = { items: RecordTexts; last: [string, string, string] | null; more: boolean };

const RECORD_JSON = `'{"type":' || to_json(r.type)::text || ',"id":' || to_json(r.id)::text
  || ',"stream":' || to_json(r.stream)::text || ',"version":' || r.version::text
  || ',"data":' || coalesce(r.data::text, 'null') || ',"deleted":' || r.deleted::text
  || ',"updated_at":"' || to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","checksum":' || to_json(r.checksum)::text || '}'`;

const READ_RUN = `
  SELECT r.type, r.id, ${RECORD_JSON} AS item
  FROM records r
  WHERE r.stream = $1 AND (r.stream, r.type, r.id) > ($1, $2, $3)
    AND NOT r.deleted AND r.last_seq <= $4::bigint
    AND ($5::text[] IS NULL OR r.type = ANY($5::text[]))
  ORDER BY r.stream, r.type, r.id
  LIMIT $6::int`;

type ItemRow = { type: string; id: string; item: string };

/**
 * The next `take` records of the snapshot after the cursor's key, in (stream, type, id) order, with
 * one keyset scan per stream. A single scan across all the device's streams walked the records of
 * every other stream in between (on the first page, all streams sorting before the device's):
 * ~180 ms for a first page behind 300k records of others, 0.4 ms per stream this way. Stream names
 * are ASCII (ZStreamName), so JavaScript's order is the column's byte order (COLLATE "C").
 */
export async function readSnapshotPage(db: Db, cursor: BootstrapCursor, streams: string[], take: number): Promise<SnapshotPage> {
  const [afterStream, afterType, afterId] = cursor.after ?? ["", "", ""];
  const items = new RecordTexts();
  let last: [string, string, string] | null = null;
  for (const stream of [...streams].sort()) {
    if (stream < afterStream) continue;
    const [type, id] = stream === afterStream ? [afterType, afterId] : ["", ""];
    const room = take - items.length;
    // One row past the room left says that more follow. Rows are copied into the page as they
    // arrive (record-texts.ts says why); only the last kept row's key is remembered.
    const run = { seen: 0, type: "", id: "" };
    await engineOf(db).eachRow<ItemRow>(READ_RUN, [stream, type, id, String(cursor.h[stream] ?? 0), cursor.f, room + 1], (row) => {
      run.seen += 1;
      if (run.seen > room) return;
      items.add(row.item);
      run.type = row.type;
      run.id = row.id;
    });
    if (run.seen > 0 && room > 0) last = [stream, run.type, run.id];
    if (run.seen > room) return { items, last, more: true };
  }
  return { items, last, more: false };
}
