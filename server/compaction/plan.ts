// Where a stream's compaction point may move to (docs/protocol.md "Compaction"):
//   1. Eligible: every change older than the retention window, and the oldest changes beyond the
//      per-stream maximum.
//   2. Held back: never past the checkpoint of a device (not revoked) that acked within the hold
//      window, nor past a bootstrap snapshot in progress (until its cursor expires, or the device
//      acks: its checkpoint holds from then on). A hold below the current point is already lost
//      (that device must bootstrap anyway) and holds nothing.
//   3. The point never moves back and never passes the head.
import type { DbOrTx } from "../db/client";
import type { CompactionPolicy } from "./policy";

export type StreamState = { name: string; headSeq: bigint; compactedUntilSeq: bigint };

export type StreamPlan = StreamState & {
  /** The lowest checkpoint of a device that holds this stream back, if any. */
  deviceHold: bigint | null;
  /** The lowest snapshot point of a bootstrap in progress, if any. */
  bootstrapHold: bigint | null;
  /** The new compaction point (equal to compactedUntilSeq when nothing may go). */
  point: bigint;
  /** What stops the point short of history that is otherwise eligible, if anything does. */
  heldBy: "device" | "bootstrap" | null;
};

const minOf = (values: (bigint | null)[]): bigint | null =>
  values.reduce<bigint | null>((min, v) => (v !== null && (min === null || v < min) ? v : min), null);
const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Step 2's ceiling: the head, lowered by every hold. */
export function holdCeiling(stream: StreamState, holds: (bigint | null)[]): bigint {
  return minOf([stream.headSeq, ...holds]) ?? stream.headSeq;
}

/** Steps 1 and 3 given the ceiling and `firstYoung`: the lowest seq in (compacted, ceiling]
 *  written within the retention window, or null when there is none. */
export function pointOf(stream: StreamState, ceiling: bigint, maxChanges: number, firstYoung: bigint | null): bigint {
  const byCount = stream.headSeq - BigInt(maxChanges);
  const byTime = firstYoung === null ? ceiling : firstYoung - 1n;
  const target = maxOf(byTime, byCount);
  return maxOf(stream.compactedUntilSeq, target < ceiling ? target : ceiling);
}

/** `oldest`, when the caller knows it: the time of the stream's oldest change (null: none). */
export async function planStream(
  db: DbOrTx, stream: StreamState, policy: CompactionPolicy, now: Date, oldest?: Date | null,
): Promise<StreamPlan> {
  const holdSince = new Date(now.getTime() - policy.holdMs);
  const [holds] = await db.$queryRaw<{ device: bigint | null; bootstrap: bigint | null }[]>`
    SELECT
      (SELECT min(c.seq) FROM device_checkpoints c JOIN devices d ON d.id = c.device_ref
        WHERE c.stream = ${stream.name} AND c.acked_at >= ${holdSince} AND d.revoked_at IS NULL
          AND c.seq >= ${stream.compactedUntilSeq}) AS device,
      (SELECT min(h.seq) FROM bootstrap_holds h
        WHERE h.stream = ${stream.name} AND h.expires_at > ${now} AND h.seq >= ${stream.compactedUntilSeq}
          AND NOT EXISTS (SELECT 1 FROM device_checkpoints c
            WHERE c.device_ref = h.device_ref AND c.stream = h.stream AND c.acked_at > h.created_at)) AS bootstrap`;
  const deviceHold = holds?.device ?? null;
  const bootstrapHold = holds?.bootstrap ?? null;
  const ceiling = holdCeiling(stream, [deviceHold, bootstrapHold]);
  const cutoff = new Date(now.getTime() - policy.retentionMs);
  let firstYoung: bigint | null = null;
  if (oldest === null || (oldest !== undefined && oldest >= cutoff)) {
    firstYoung = stream.compactedUntilSeq + 1n; // nothing is old enough: only the count limit applies
  } else if (stream.headSeq - BigInt(policy.maxChangesPerStream) < ceiling) {
    // Reads at most the rows up to the ceiling, all of which this run deletes if they are old:
    // the cost follows the work, not the length of the history.
    const [young] = await db.$queryRaw<{ seq: bigint }[]>`
      SELECT seq FROM changes
      WHERE stream = ${stream.name} AND seq > ${stream.compactedUntilSeq} AND seq <= ${ceiling} AND created_at >= ${cutoff}
      ORDER BY seq LIMIT 1`;
    firstYoung = young ? young.seq : null;
  }
  const point = pointOf(stream, ceiling, policy.maxChangesPerStream, firstYoung);
  let heldBy: StreamPlan["heldBy"] = null;
  if (point === ceiling && ceiling < stream.headSeq) {
    // Held back only if the change right after the ceiling could otherwise go.
    const [next] = await db.$queryRaw<{ created_at: Date }[]>`
      SELECT created_at FROM changes WHERE stream = ${stream.name} AND seq = ${ceiling + 1n}`;
    const eligible = ceiling < stream.headSeq - BigInt(policy.maxChangesPerStream) || (next !== undefined && next.created_at < cutoff);
    if (eligible) heldBy = ceiling === deviceHold ? "device" : "bootstrap";
  }
  return { ...stream, deviceHold, bootstrapHold, point, heldBy };
}
