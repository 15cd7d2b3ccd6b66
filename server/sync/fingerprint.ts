// History fingerprints: a position in a stream (a seq) is only meaningful in the history that
// produced it. After a restore, a failover to a lagging standby or a point-in-time recovery, the
// same seqs are handed out again to other changes, and a device at such a seq would silently miss
// them (issue 19). Each change therefore stores a chained hash of its stream's history up to it;
// tokens and cursors carry the hash at each position they hold, and a pull compares it with the
// change at that seq (one primary-key lookup, joined to the streams read it already does).
//
// The hash covers what a device's copy depends on (seq, type, id, op, version and the record's
// checksum), not when or by whom: a history rebuilt identically after a restore still matches, and
// any difference in content at or before a position changes its fingerprint. The chain starts at
// the first change written after the column existed (prev = null): older changes are unhashed,
// and positions at them are checked against the stream's head only.
import { hash } from "node:crypto";

export type ChainLink = { seq: bigint; type: string; id: string; op: string; version: number; checksum: string };

/** 128 bits in base64url (22 characters): collisions are out of reach, tokens stay short. */
export function chainHash(prev: string | null, link: ChainLink): string {
  // JSON of an array: unambiguous whatever the ids contain (no separator can be forged).
  const input = JSON.stringify([prev ?? "", link.seq.toString(), link.type, link.id, link.op, link.version, link.checksum]);
  // One-shot (no Hash object per change): a push hashes one link per item.
  return hash("sha256", input, "buffer").subarray(0, 16).toString("base64url");
}

/** What the database says about one position a device holds. */
export type StoredPosition = {
  seq: number;
  headSeq: number;
  compactedUntilSeq: number;
  /** The hash stored with the change at `seq`; null when the row is gone or predates hashing. */
  changeHash: string | null;
  changeExists: boolean;
  compactedHash: string | null;
};

export type PositionVerdict = "ok" | "compacted" | "ahead" | "diverged";

/**
 * Judges a position against the stream as stored:
 *   1. ahead of the head: this database never reached it (a restore or failover lost the tail);
 *   2. before the compaction point: its changes are gone (412 compacted, as before);
 *   3. with a fingerprint: the hash at that seq must be the one the device was given. At the
 *      compaction point the change row may be deleted; the stream keeps its hash there. A missing
 *      row between the compaction point and the head means the log is not the one the device saw.
 * Seq 0 is the empty history: always valid. Positions without a fingerprint (tokens issued before
 * fingerprints, or at unhashed changes) only get steps 1 and 2.
 */
export function judgePosition(stored: StoredPosition, fingerprint: string | undefined): PositionVerdict {
  if (stored.seq > stored.headSeq) return "ahead";
  if (stored.seq < stored.compactedUntilSeq) return "compacted";
  if (stored.seq === 0 || fingerprint === undefined) return "ok";
  if (stored.changeExists) return stored.changeHash === null || stored.changeHash === fingerprint ? "ok" : "diverged";
  if (stored.seq === stored.compactedUntilSeq) return stored.compactedHash === null || stored.compactedHash === fingerprint ? "ok" : "diverged";
  return "diverged";
}
