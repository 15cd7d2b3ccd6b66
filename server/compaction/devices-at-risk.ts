// Devices that would need a bootstrap, for the Compaction page: a checkpoint below its stream's
// compaction point (its next pull answers 412 compacted), or a device that stopped holding
// compaction back (no ack within the hold window) while behind the head, which the next runs may
// pass. Revoked devices are left out: they cannot pull at all. Most stale first, keyset paged.
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { findUnstorableJson } from "../http/storable-json";
import type { CompactionPolicy } from "./policy";

export type DeviceAtRisk = {
  deviceRef: string;
  userId: string;
  deviceId: string;
  stream: string;
  checkpointSeq: number;
  compactedUntilSeq: number;
  headSeq: number;
  ackedAt: Date;
  lastSeenAt: Date;
  reason: "compacted" | "silent";
};

// A cursor is client input: a year PostgreSQL refuses or a NUL in the stream is a 400, not a 500.
const ZCursor = z.tuple([
  z.iso.datetime().refine((at) => { const year = new Date(at).getUTCFullYear(); return year >= 1 && year <= 9999; }),
  z.uuid(),
  z.string().refine((stream) => findUnstorableJson(stream) === null),
]);

function encodeCursor(row: DeviceAtRisk): string {
  return Buffer.from(JSON.stringify([row.ackedAt.toISOString(), row.deviceRef, row.stream])).toString("base64url");
}

function decodeCursor(cursor: string): z.infer<typeof ZCursor> {
  try {
    return ZCursor.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new AppError("invalid_request", "The cursor is invalid");
  }
}

type Row = {
  device_ref: string; user_id: string; device_id: string; stream: string; seq: bigint;
  compacted_until_seq: bigint; head_seq: bigint; acked_at: Date; last_seen_at: Date;
};

export async function listDevicesAtRisk(
  db: DbOrTx, policy: CompactionPolicy, now: Date, page: { stream?: string; cursor?: string; limit: number },
): Promise<{ devices: DeviceAtRisk[]; nextCursor: string | null }> {
  const holdSince = new Date(now.getTime() - policy.holdMs);
  const [afterAt, afterRef, afterStream] = page.cursor ? decodeCursor(page.cursor) : [null, null, null];
  const rows = await db.$queryRaw<Row[]>`
    SELECT c.device_ref::text AS device_ref, d.user_id, d.device_id, c.stream, c.seq,
      s.compacted_until_seq, s.head_seq, c.acked_at, d.last_seen_at
    FROM device_checkpoints c
    JOIN devices d ON d.id = c.device_ref AND d.revoked_at IS NULL
    JOIN streams s ON s.name = c.stream
    WHERE (c.seq < s.compacted_until_seq OR (c.acked_at < ${holdSince} AND c.seq < s.head_seq))
      AND (${page.stream ?? null}::text IS NULL OR c.stream = ${page.stream ?? null})
      AND (${afterAt}::timestamptz IS NULL
        OR (c.acked_at, c.device_ref, c.stream) > (${afterAt}::timestamptz, ${afterRef}::uuid, ${afterStream}::text))
    ORDER BY c.acked_at, c.device_ref, c.stream
    LIMIT ${page.limit + 1}`;
  const devices = rows.slice(0, page.limit).map((r): DeviceAtRisk => ({
    deviceRef: r.device_ref,
    userId: r.user_id,
    deviceId: r.device_id,
    stream: r.stream,
    checkpointSeq: Number(r.seq),
    compactedUntilSeq: Number(r.compacted_until_seq),
    headSeq: Number(r.head_seq),
    ackedAt: r.acked_at,
    lastSeenAt: r.last_seen_at,
    reason: r.seq < r.compacted_until_seq ? "compacted" : "silent",
  }));
  const last = devices.at(-1);
  return { devices, nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
}
