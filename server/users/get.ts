// One user for the console: their devices, the streams their data lives in, open conflicts, recent
// pushes and how many records of each type they have. A user nobody synced for is a 404.
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { listDevices, type DeviceSummary } from "../devices/list";
import { listUserStreams } from "../records/user-streams";

const RECENT = 20;

export type UserDetail = {
  userId: string;
  devices: DeviceSummary[];
  streams: { name: string; headSeq: number; compactedUntilSeq: number; own: boolean }[];
  openConflicts: { total: number; recent: { id: string; type: string; recordId: string; stream: string; fields: string[]; createdAt: Date }[] };
  recentBatches: { id: string; bundleId: number; deviceId: string; status: string; itemCount: number; okCount: number; createdAt: Date }[];
  recordCounts: { stream: string; type: string; live: number; deleted: number }[];
};

export async function getUserOrThrow(db: DbOrTx, userId: string): Promise<UserDetail> {
  const streams = await listUserStreams(db, userId);
  const [{ devices }, streamRows, conflictTotal, conflicts, batches, counts] = await Promise.all([
    listDevices(db, { userId }, { limit: 100 }),
    db.stream.findMany({ where: { name: { in: streams } }, orderBy: { name: "asc" }, select: { name: true, headSeq: true, compactedUntilSeq: true } }),
    db.conflict.count({ where: { userId, status: "open" } }),
    db.conflict.findMany({
      where: { userId, status: "open" },
      orderBy: { createdAt: "desc" },
      take: RECENT,
      select: { id: true, type: true, recordId: true, stream: true, fields: true, createdAt: true },
    }),
    db.syncBatch.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT,
      select: { id: true, bundleId: true, status: true, itemCount: true, okCount: true, createdAt: true, device: { select: { deviceId: true } } },
    }),
    db.record.groupBy({ by: ["stream", "type", "deleted"], where: { stream: { in: streams } }, _count: { _all: true } }),
  ]);
  if (devices.length === 0 && streamRows.every((s) => s.name !== `user:${userId}`)) {
    throw new AppError("not_found", `No user ${userId}: no device has synced for them`);
  }
  const byType = new Map<string, { stream: string; type: string; live: number; deleted: number }>();
  for (const c of counts) {
    const key = `${c.stream}\u0000${c.type}`;
    const entry = byType.get(key) ?? { stream: c.stream, type: c.type, live: 0, deleted: 0 };
    entry[c.deleted ? "deleted" : "live"] += c._count._all;
    byType.set(key, entry);
  }
  return {
    userId,
    devices,
    streams: streamRows.map((s) => ({ name: s.name, headSeq: Number(s.headSeq), compactedUntilSeq: Number(s.compactedUntilSeq), own: s.name === `user:${userId}` })),
    openConflicts: { total: conflictTotal, recent: conflicts },
    recentBatches: batches.map(({ device, bundleId, ...b }) => ({ ...b, bundleId: Number(bundleId), deviceId: device.deviceId })),
    recordCounts: [...byType.values()].sort((a, b) => a.stream.localeCompare(b.stream) || a.type.localeCompare(b.type)),
  };
}
