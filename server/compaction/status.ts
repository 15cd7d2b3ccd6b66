// The Compaction page's per-stream view: head and compaction point, the point the next run would
// reach (plan.ts, the same rules the job applies), history size, the oldest change kept, and the
// devices that would need a bootstrap. Paged by stream name; each page costs a few queries per
// stream, never a scan of the whole history.
import type { DbOrTx } from "../db/client";
import { planStream } from "./plan";
import type { CompactionPolicy } from "./policy";

/** History bytes are estimated from at most this many of a stream's newest changes. */
const SIZE_SAMPLE = 200;

export type StreamStatus = {
  stream: string;
  headSeq: number;
  compactedUntilSeq: number;
  /** Where a compaction run now would move the point. */
  nextPoint: number;
  /** Changes kept: seqs are consecutive, so head minus point. */
  historyRows: number;
  historyBytes: number;
  /** Whether `historyBytes` summed every row (else it extrapolates a sample of the newest). */
  historyBytesExact: boolean;
  oldestRetainedAt: Date | null;
  /** What keeps the point from moving further, when something does. */
  heldBy: "device" | "bootstrap" | null;
  /** Devices (not revoked) whose checkpoint is below the point after the next run. */
  devicesNeedingBootstrap: number;
  /** Devices that stopped holding compaction back (no ack within the hold window) and are behind the head. */
  silentDevices: number;
};

type CheckpointCounts = { stream: string; behind: bigint; silent: bigint };
type StreamRow = { name: string; head_seq: bigint; compacted_until_seq: bigint; oldest: Date | null; sample_rows: bigint; sample_bytes: bigint | null };

export async function listStreamStatus(
  db: DbOrTx, policy: CompactionPolicy, now: Date, page: { q?: string; cursor?: string; limit: number },
): Promise<{ streams: StreamStatus[]; nextCursor: string | null }> {
  const pattern = page.q ? `%${page.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db.$queryRaw<StreamRow[]>`
    SELECT s.name, s.head_seq, s.compacted_until_seq, o.created_at AS oldest, z.rows AS sample_rows, z.bytes AS sample_bytes
    FROM streams s
    LEFT JOIN LATERAL (SELECT created_at FROM changes c WHERE c.stream = s.name ORDER BY c.seq LIMIT 1) o ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS rows, sum(pg_column_size(t.*))::bigint AS bytes
      FROM (SELECT * FROM changes c WHERE c.stream = s.name ORDER BY c.seq DESC LIMIT ${SIZE_SAMPLE}) t
    ) z ON true
    WHERE s.name > ${page.cursor ?? ""} AND (${pattern}::text IS NULL OR s.name ILIKE ${pattern})
    ORDER BY s.name LIMIT ${page.limit + 1}`;
  const shown = rows.slice(0, page.limit);
  const plans = await Promise.all(
    shown.map((r) => planStream(db, { name: r.name, headSeq: r.head_seq, compactedUntilSeq: r.compacted_until_seq }, policy, now, r.oldest)),
  );
  const holdSince = new Date(now.getTime() - policy.holdMs);
  const counts = shown.length === 0 ? [] : await db.$queryRaw<CheckpointCounts[]>`
    SELECT c.stream,
      count(*) FILTER (WHERE c.seq < p.point) AS behind,
      count(*) FILTER (WHERE c.acked_at < ${holdSince} AND c.seq < p.head) AS silent
    FROM device_checkpoints c
    JOIN devices d ON d.id = c.device_ref AND d.revoked_at IS NULL
    JOIN unnest(${plans.map((p) => p.name)}::text[], ${plans.map((p) => p.point.toString())}::bigint[], ${plans.map((p) => p.headSeq.toString())}::bigint[])
      AS p(stream, point, head) ON p.stream = c.stream
    GROUP BY c.stream`;
  const countsOf = new Map(counts.map((c) => [c.stream, c]));
  const streams = shown.map((row, i): StreamStatus => {
    const plan = plans[i];
    const historyRows = Number(row.head_seq - row.compacted_until_seq);
    const sampled = Number(row.sample_rows);
    const bytes = Number(row.sample_bytes ?? 0);
    const point = plan?.point ?? row.compacted_until_seq;
    return {
      stream: row.name,
      headSeq: Number(row.head_seq),
      compactedUntilSeq: Number(row.compacted_until_seq),
      nextPoint: Number(point),
      historyRows,
      historyBytes: sampled >= historyRows || sampled === 0 ? bytes : Math.round((bytes / sampled) * historyRows),
      historyBytesExact: sampled >= historyRows,
      oldestRetainedAt: row.oldest,
      heldBy: plan?.heldBy ?? null,
      devicesNeedingBootstrap: Number(countsOf.get(row.name)?.behind ?? 0),
      silentDevices: Number(countsOf.get(row.name)?.silent ?? 0),
    };
  });
  const last = shown.at(-1);
  return { streams, nextCursor: rows.length > page.limit && last ? last.name : null };
}
