// The per-stream half of checking a position a device holds (pull tokens, bootstrap cursors, acks,
// live updates): compaction and history fingerprints (fingerprint.ts). One statement for every
// stream: the streams rows joined to the change at each position by primary key. A pull page runs
// it as part of its read (pull-read.ts), so the check and the page share one snapshot.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { judgePosition } from "./fingerprint";
import { bootstrapRequired } from "./tokens";

export type PositionRow = {
  name: string; seq: bigint | string | number; head_seq: bigint | string | number | null; compacted_until_seq: bigint | string | number | null;
  compacted_hash: string | null; change_hash: string | null; change_exists: boolean;
};

/** The positions `$1` (stream names) and `$2` (seqs) as stored; other statements embed it. */
export const READ_POSITIONS = `
  SELECT k.name, k.seq, s.head_seq, s.compacted_until_seq, s.compacted_hash, c.hash AS change_hash, c.seq IS NOT NULL AS change_exists
  FROM unnest($1::text[], $2::bigint[]) AS k(name, seq)
  LEFT JOIN streams s ON s.name = k.name
  LEFT JOIN changes c ON c.stream = k.name AND c.seq = k.seq`;

/** The parameters of READ_POSITIONS for `cursors`. */
export const positionParams = (cursors: Map<string, number>): [string[], string[]] => [[...cursors.keys()], [...cursors.values()].map(String)];

/**
 * Refuses positions compaction passed (412 compacted) and positions this database's history does
 * not contain (412 history_diverged): ahead of the head, or whose fingerprint differs. A stream
 * without a row has an empty history (head 0).
 */
export async function checkStreamPositions(db: Db, cursors: Map<string, number>, fingerprints: Record<string, string> | undefined): Promise<void> {
  if (cursors.size === 0) return;
  // Prepared: its plan is reused, so the join costs less planning than the old one-table read.
  judgePositions(await sqlOf(db)<PositionRow>(READ_POSITIONS, positionParams(cursors), { prepare: true }), fingerprints);
}

/** Throws the 412 of the first position in `rows` that is not valid. */
export function judgePositions(rows: readonly PositionRow[], fingerprints: Record<string, string> | undefined): void {
  for (const row of rows) {
    const verdict = judgePosition({
      seq: Number(row.seq),
      headSeq: Number(row.head_seq ?? 0),
      compactedUntilSeq: Number(row.compacted_until_seq ?? 0),
      changeHash: row.change_hash,
      changeExists: row.change_exists,
      compactedHash: row.compacted_hash,
    }, fingerprints?.[row.name]);
    if (verdict === "compacted") {
      throw bootstrapRequired("compacted", `Stream ${row.name} was compacted past this token; bootstrap again`);
    }
    if (verdict === "ahead" || verdict === "diverged") {
      const why = verdict === "ahead" ? "is ahead of this server's history" : "is in a history this server no longer has";
      throw bootstrapRequired("history_diverged", `The position in stream ${row.name} ${why} (a restore or failover); bootstrap again`);
    }
  }
}
