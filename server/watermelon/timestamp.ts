// The WatermelonDB timestamp: a stream position with 16 bits of its history fingerprint
// (docs/protocol.md "History fingerprints"), in the one number WatermelonDB stores and sends back
// as `last_pulled_at`:
//   timestamp = 2^50 + seq * 2^16 + the first 16 bits of the chained hash at seq
// Below 2^50 a timestamp is one issued before fingerprints (seq + 1): read as a plain position,
// checked against the head only, as older pull tokens are. Seqs up to 2^34 * 7 (~120 billion)
// fit under Number.MAX_SAFE_INTEGER. 16 bits miss one rewritten history in 65,536: the cost of
// fitting WatermelonDB's number (pull tokens carry 128 bits).
import { judgePosition, type StoredPosition } from "../sync/fingerprint";

const MARK = 2 ** 50;
const FP = 2 ** 16;

export type WatermelonPosition = { seq: number; fp: number | null };

/** The first 16 bits of a chained hash (base64url), 0 for an unhashed position. */
export const fp16 = (hash: string | null): number => (hash ? Buffer.from(hash, "base64url").readUInt16BE(0) : 0);

export function timestampOf(headSeq: number, headHash: string | null): number {
  return MARK + headSeq * FP + fp16(headHash);
}

export function positionOf(lastPulledAt: number): WatermelonPosition {
  if (lastPulledAt < MARK) return { seq: Math.max(0, lastPulledAt - 1), fp: null };
  const rest = lastPulledAt - MARK;
  return { seq: Math.floor(rest / FP), fp: rest % FP };
}

/**
 * judgePosition (fingerprint.ts) with the 16 bits: the stored hash at the position is cut to 16
 * bits and compared. A position at an unhashed change passes, as it does for tokens.
 */
export function judgeWatermelon(stored: StoredPosition, position: WatermelonPosition) {
  const verdict = judgePosition(stored, undefined);
  if (verdict !== "ok" || position.fp === null || stored.seq === 0) return verdict;
  const hash = stored.changeExists ? stored.changeHash : stored.seq === stored.compactedUntilSeq ? stored.compactedHash : null;
  if (!stored.changeExists && stored.seq !== stored.compactedUntilSeq) return "diverged";
  return hash === null || fp16(hash) === position.fp ? "ok" : "diverged";
}
