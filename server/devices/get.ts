// One device for the console: its details, lag per stream, every checkpoint and its recent pushes.
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { deviceSelect, toDeviceSummary, type DeviceSummary } from "./list";
import { loadDeviceStats } from "./stats";

const RECENT_BATCHES = 20;

export const batchSummarySelect = {
  id: true, bundleId: true, mode: true, status: true, itemCount: true, okCount: true,
  errorCount: true, conflictCount: true, createdAt: true, _count: { select: { attempts: true } },
} as const;

export type DeviceDetail = DeviceSummary & {
  checkpoints: { stream: string; seq: number; ackedAt: Date }[];
  recentBatches: {
    id: string; bundleId: number; mode: string; status: string; itemCount: number; okCount: number;
    errorCount: number; conflictCount: number; createdAt: Date; replays: number;
  }[];
};

export async function getDeviceOrThrow(db: DbOrTx, id: string): Promise<DeviceDetail> {
  const device = z.uuid().safeParse(id).success ? await db.device.findUnique({ where: { id }, select: deviceSelect }) : null;
  if (!device) throw new AppError("not_found", `No device ${id}`);
  const [stats, checkpoints, batches] = await Promise.all([
    loadDeviceStats(db, [device]),
    db.deviceCheckpoint.findMany({ where: { deviceRef: id }, orderBy: { stream: "asc" }, select: { stream: true, seq: true, ackedAt: true } }),
    db.syncBatch.findMany({
      where: { deviceRef: id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT_BATCHES,
      select: batchSummarySelect,
    }),
  ]);
  return {
    ...toDeviceSummary(device, stats.get(id)),
    checkpoints: checkpoints.map((c) => ({ ...c, seq: Number(c.seq) })),
    recentBatches: batches.map(({ _count, bundleId, ...b }) => ({ ...b, bundleId: Number(bundleId), replays: _count.attempts })),
  };
}
