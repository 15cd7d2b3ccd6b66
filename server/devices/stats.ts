// Per-device health for the console: lag per stream (stream head minus the device's acked seq),
// open conflicts, and the last error a push of the device reported.
import type { DbOrTx } from "../db/client";
import { firstError, responseResults } from "../batches/results";

export type StreamLag = { stream: string; headSeq: number; ackedSeq: number; lag: number; ackedAt: Date | null };
export type LastError = { code: string | null; message: string; at: Date | null; batchId: string | null };
export type DeviceStats = { lag: number; streams: StreamLag[]; openConflicts: number; lastError: LastError | null };

type DeviceRef = { id: string; streams: string[]; lastError: string | null };

export async function loadDeviceStats(db: DbOrTx, devices: ReadonlyArray<DeviceRef>): Promise<Map<string, DeviceStats>> {
  const ids = devices.map((d) => d.id);
  if (ids.length === 0) return new Map();
  const names = [...new Set(devices.flatMap((d) => d.streams))];
  const [heads, checkpoints, conflicts, errors] = await Promise.all([
    db.stream.findMany({ where: { name: { in: names } }, select: { name: true, headSeq: true } }),
    db.deviceCheckpoint.findMany({ where: { deviceRef: { in: ids } }, select: { deviceRef: true, stream: true, seq: true, ackedAt: true } }),
    db.conflict.groupBy({ by: ["deviceRef"], where: { deviceRef: { in: ids }, status: "open" }, _count: { _all: true } }),
    lastErroredBatches(db, ids),
  ]);
  const headOf = new Map(heads.map((h) => [h.name, Number(h.headSeq)]));
  const checkpointOf = new Map(checkpoints.map((c) => [`${c.deviceRef}|${c.stream}`, c]));
  const conflictsOf = new Map(conflicts.map((c) => [c.deviceRef, c._count._all]));
  const errorOf = new Map(errors.map((e) => [e.device_ref, e]));
  return new Map(
    devices.map((device) => {
      const streams = [...device.streams].sort().map((stream): StreamLag => {
        const checkpoint = checkpointOf.get(`${device.id}|${stream}`);
        const headSeq = headOf.get(stream) ?? 0;
        const ackedSeq = checkpoint ? Number(checkpoint.seq) : 0;
        return { stream, headSeq, ackedSeq, lag: Math.max(0, headSeq - ackedSeq), ackedAt: checkpoint?.ackedAt ?? null };
      });
      const batch = errorOf.get(device.id);
      const error = batch ? firstError(responseResults(batch.response)) : null;
      let lastError: LastError | null = null;
      if (batch) {
        lastError = {
          code: error?.code ?? null,
          message: error?.message ?? `The push ${batch.status === "failed" ? "failed" : "had errors"}`,
          at: batch.created_at,
          batchId: batch.id,
        };
      } else if (device.lastError) {
        lastError = { code: null, message: device.lastError, at: null, batchId: null };
      }
      const lag = streams.reduce((sum, s) => sum + s.lag, 0);
      return [device.id, { lag, streams, openConflicts: conflictsOf.get(device.id) ?? 0, lastError }];
    }),
  );
}

type ErroredBatch = { device_ref: string; id: string; created_at: Date; status: string; response: unknown };

/** Each device's newest batch with errors that no replay has since fully applied. */
function lastErroredBatches(db: DbOrTx, ids: string[]): Promise<ErroredBatch[]> {
  return db.$queryRaw<ErroredBatch[]>`
    SELECT DISTINCT ON (b.device_ref) b.device_ref::text AS device_ref, b.id::text AS id, b.created_at, b.status, b.response
    FROM sync_batches b
    WHERE b.device_ref = ANY(${ids}::uuid[])
      AND (b.error_count > 0 OR b.status = 'failed')
      AND NOT EXISTS (SELECT 1 FROM batch_attempts a WHERE a.batch_id = b.id AND a.status = 'applied')
    ORDER BY b.device_ref, b.created_at DESC, b.id DESC`;
}
