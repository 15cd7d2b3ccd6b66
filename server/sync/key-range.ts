// Record keys in one total order that a device can reproduce: (stream, type, id), each compared
// by code point (bytewise UTF-8), which is how the `records` key columns are collated. Verify and
// checksums page through the caller's live records in this order, one stream at a time, so every
// page is a range scan of the primary key.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { env } from "../env";
import { AppError } from "../errors";
import { RECORD_COLUMNS, toRecordRow, type RawRecord, type RecordKey, type RecordRow } from "./records";
import { getResourceType } from "../types/registry";
import { openKeyCursor, type KeyCursor } from "./tokens";

const encoder = new TextEncoder();

export function compareText(a: string, b: string): number {
  return Buffer.compare(encoder.encode(a), encoder.encode(b));
}

export function compareKeys(a: RecordKey, b: RecordKey): number {
  return compareText(a.stream, b.stream) || compareText(a.type, b.type) || compareText(a.id, b.id);
}

export const keyTuple = (k: RecordKey): [string, string, string] => [k.stream, k.type, k.id];
export const tupleKey = ([stream, type, id]: readonly [string, string, string]): RecordKey => ({ stream, type, id });

/** A type filter as stored in cursors: sorted and unique, or null for every type. */
export function typeFilter(types: readonly string[] | undefined): string[] | null {
  if (!types) return null;
  const unknown = types.filter((t) => !getResourceType(t));
  if (unknown.length > 0) {
    throw new AppError("invalid_request", "Unknown types", { fields: unknown.map((t) => ({ field: "types", message: `unknown type ${t}` })) });
  }
  return [...new Set(types)].sort(compareText);
}

/** The cursor's position and filter, or the start with the request's filter. */
export function startOf(
  kind: KeyCursor["k"], userId: string, cursor: string | undefined, types: string[] | undefined,
): { after: RecordKey | null; types: string[] | null } {
  const requested = typeFilter(types);
  if (!cursor) return { after: null, types: requested };
  const opened = openKeyCursor(env().syncTokenSecret, cursor, kind, userId);
  if (types && JSON.stringify(requested) !== JSON.stringify(opened.f)) {
    throw new AppError("invalid_request", "types differ from the cursor's; omit types or start again", {
      fields: [{ field: "types", message: "differs from the cursor" }],
    });
  }
  return { after: tupleKey(opened.a), types: opened.f };
}

export type LiveRange = {
  streams: readonly string[];
  types: string[] | null;
  /** Exclusive lower bound; null = from the first key. */
  after: RecordKey | null;
  /** Inclusive upper bound; null = to the last key. */
  until: RecordKey | null;
  take: number;
};

/** Up to `take` live records of `streams` in key order within the range. */
export async function readLiveRange(db: Db, range: LiveRange): Promise<RecordRow[]> {
  const rows: RecordRow[] = [];
  for (const stream of [...range.streams].sort(compareText)) {
    if (range.after && compareText(stream, range.after.stream) < 0) continue;
    if (range.until && compareText(stream, range.until.stream) > 0) break;
    const need = range.take - rows.length;
    if (need <= 0) break;
    const [afterType, afterId] = range.after?.stream === stream ? [range.after.type, range.after.id] : ["", ""];
    const until = range.until?.stream === stream ? range.until : null;
    const found = await sqlOf(db)<RawRecord>(
      `SELECT ${RECORD_COLUMNS}
       FROM records
       WHERE stream = $1 AND NOT deleted
         AND (type, id) > ($2, $3)
         AND ($4::boolean OR (type, id) <= ($5, $6))
         AND ($7::text[] IS NULL OR type = ANY($7::text[]))
       ORDER BY type, id
       LIMIT $8::int`,
      [stream, afterType, afterId, until === null, until?.type ?? "", until?.id ?? "", range.types, need]);
    rows.push(...found.map(toRecordRow));
  }
  return rows;
}
