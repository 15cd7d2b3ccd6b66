// The pull's reads (pull.ts), in SQL through pg (server/db/sql.ts "sqlOf"): Prisma's row mapping
// of findMany cost ~60% more CPU per page of 1,000 changes than $queryRaw, and $queryRaw more than
// pg itself (bench/profile.ts); this is the hottest read.
//
// `data` and `conflict` are read as their JSON text and go into the answer as they are
// (change-json.ts): pg parsing each document only for the answer to serialise it again cost ~1 ms
// of server CPU per page of 1,000 changes (bench/profiles/2026-12-05-pull.md).
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { judgePositions, positionParams, READ_POSITIONS, type PositionRow } from "./position";

/** A change as the pull reads it: `data` and `conflict` are JSON text (null when SQL NULL). */
export type ChangeRow = {
  stream: string;
  seq: bigint;
  type: string;
  recordId: string;
  op: string;
  version: number;
  data: string | null;
  /** ISO 8601 in UTC with milliseconds, as on the wire. */
  updatedAt: string;
  batchId: string | null;
  conflict: string | null;
  /** The history fingerprint at this change (null for changes written before fingerprints). */
  hash: string | null;
};

export type RawChangeRow = {
  stream: string; seq: bigint | string | number; type: string; record_id: string; op: string; version: number;
  data: string | null; updated_at: string; batch_id: string | null; conflict: string | null; hash: string | null;
};

/**
 * updated_at as the wire's ISO text (Date#toISOString's format; the column keeps milliseconds):
 * parsing 1,000 timestamps into Dates only to print them again cost ~2 ms CPU per page.
 */
export const ISO_UPDATED_AT = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;

const COLUMNS = `stream, seq, type, record_id, op, version, data::text AS data, ${ISO_UPDATED_AT}, batch_id, conflict::text AS conflict, hash`;
const IN_STREAM = "stream = $1 AND seq > $2::bigint AND ($3::text[] IS NULL OR type = ANY($3::text[]))";

// The positions and the first stream's changes in one statement: one round trip, and one snapshot,
// so a compaction that deleted changes this read misses has advanced the point the check sees
// (compaction commits its point before it deletes). A position is a row without `op`, its facts
// in `data` as a JSON array: columns of their own would be 1,000 more NULLs to parse per page.
const READ_CHECKED = `
  (SELECT ${COLUMNS}
   FROM changes WHERE stream = $3 AND seq > $4::bigint AND ($5::text[] IS NULL OR type = ANY($5::text[]))
   ORDER BY seq LIMIT $6::int)
  UNION ALL
  (SELECT p.name, p.seq, NULL, NULL, NULL, NULL,
     json_build_array(p.head_seq, p.compacted_until_seq, p.compacted_hash, p.change_exists)::text, NULL, NULL, NULL, p.change_hash
   FROM (${READ_POSITIONS}) AS p)`;

/** A row of READ_CHECKED: a change, or a position (no `op`). */
type CheckedRow = Omit<RawChangeRow, "op"> & { op: string | null };
const isChange = (row: CheckedRow): row is RawChangeRow => row.op !== null;

type PositionFacts = [PositionRow["head_seq"], PositionRow["compacted_until_seq"], string | null, boolean];

/**
 * Checks every position in `cursors` (position.ts: 412 when compacted or from another history) and
 * reads up to `take` changes of `stream` after its position, in one statement.
 */
export async function readCheckedChanges(
  db: Db, cursors: Map<string, number>, fingerprints: Record<string, string> | undefined,
  stream: string, types: string[] | null, take: number,
): Promise<ChangeRow[]> {
  const rows = await sqlOf(db)<CheckedRow>(READ_CHECKED,
    [...positionParams(cursors), stream, String(cursors.get(stream) ?? 0), types, take], { prepare: true });
  const positions: PositionRow[] = [];
  const changes: ChangeRow[] = [];
  for (const row of rows) {
    if (isChange(row)) {
      changes.push(toChangeRow(row));
      continue;
    }
    const [head, compacted, compactedHash, exists] = JSON.parse(row.data ?? "[]") as PositionFacts;
    positions.push({ name: row.stream, seq: row.seq, head_seq: head, compacted_until_seq: compacted, compacted_hash: compactedHash,
      change_hash: row.hash, change_exists: exists });
  }
  judgePositions(positions, fingerprints);
  // UNION ALL keeps each branch's order in practice; the page must be in seq order regardless.
  if (changes.some((c, i) => i > 0 && c.seq <= (changes[i - 1]?.seq ?? 0n))) changes.sort((a, b) => (a.seq < b.seq ? -1 : 1));
  return changes;
}

export async function readChanges(db: Db, stream: string, after: bigint, types: string[] | null, take: number): Promise<ChangeRow[]> {
  const rows = await sqlOf(db)<RawChangeRow>(`SELECT ${COLUMNS} FROM changes WHERE ${IN_STREAM} ORDER BY seq LIMIT $4::int`,
    [stream, after.toString(), types, take]);
  return rows.map(toChangeRow);
}

/** The changes of bundle `batchId` in `stream` after `after`, every type (pull.ts step 3's oversize bundle). */
export async function readBundleRest(db: Db, stream: string, batchId: string, after: bigint): Promise<ChangeRow[]> {
  const rows = await sqlOf(db)<RawChangeRow>(
    `SELECT ${COLUMNS} FROM changes WHERE stream = $1 AND batch_id = $2::uuid AND seq > $3::bigint ORDER BY seq`,
    [stream, batchId, after.toString()],
  );
  return rows.map(toChangeRow);
}

export async function hasChangesAfter(db: Db, stream: string, after: bigint, types: string[] | null): Promise<boolean> {
  const rows = await sqlOf(db)(`SELECT 1 AS found FROM changes WHERE ${IN_STREAM} LIMIT 1`, [stream, after.toString(), types]);
  return rows.length > 0;
}

export const toChangeRow = (r: RawChangeRow): ChangeRow => ({
  stream: r.stream, seq: BigInt(r.seq), type: r.type, recordId: r.record_id, op: r.op, version: r.version,
  data: r.data, updatedAt: r.updated_at, batchId: r.batch_id, conflict: r.conflict, hash: r.hash,
});
