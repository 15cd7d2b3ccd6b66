// The console's sync batch list: filtered, newest first, keyset paged by (created_at, id).
import type { DbOrTx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { decodeKeysetCursor, keysetPage } from "../db/keyset-cursor";
import { batchSourceOf, type BatchSource } from "./source";

export const BATCH_STATUSES = ["applied", "partial", "rejected", "failed"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
/** A status, or the overview's "rejected or failed" group (what its Failed card counts). */
export const BATCH_STATUS_FILTERS = [...BATCH_STATUSES, "rejected_or_failed"] as const;
export type BatchStatusFilter = (typeof BATCH_STATUS_FILTERS)[number];

export type BatchFilters = {
  status?: BatchStatusFilter;
  /** The device's own id (as the app sends it) or the console's device ref (uuid). */
  deviceId?: string;
  deviceRef?: string;
  userId?: string;
  from?: Date;
  to?: Date;
};

const batchListSelect = {
  id: true, userId: true, deviceRef: true, bundleId: true, mode: true, status: true, itemCount: true,
  okCount: true, errorCount: true, conflictCount: true, createdAt: true, recovered: true,
  device: { select: { deviceId: true, platform: true } },
  attempts: { orderBy: { attempt: "desc" }, take: 1, select: { attempt: true, status: true, createdAt: true } },
} as const;

type BatchListRow = Prisma.SyncBatchGetPayload<{ select: typeof batchListSelect }>;

export type BatchSummary = Omit<BatchListRow, "bundleId" | "device" | "attempts"> & {
  bundleId: number;
  deviceId: string;
  platform: string | null;
  source: BatchSource;
  lastReplay: { attempt: number; status: string; createdAt: Date } | null;
};

function whereOf(filters: BatchFilters): Prisma.SyncBatchWhereInput[] {
  const where: Prisma.SyncBatchWhereInput[] = [];
  if (filters.status === "rejected_or_failed") where.push({ status: { in: ["rejected", "failed"] } });
  else if (filters.status) where.push({ status: filters.status });
  if (filters.deviceRef) where.push({ deviceRef: filters.deviceRef });
  if (filters.deviceId) where.push({ device: { deviceId: filters.deviceId } });
  if (filters.userId) where.push({ userId: filters.userId });
  if (filters.from) where.push({ createdAt: { gte: filters.from } });
  if (filters.to) where.push({ createdAt: { lt: filters.to } });
  return where;
}

export async function listBatches(
  db: DbOrTx,
  filters: BatchFilters,
  page: { cursor?: string; limit: number },
): Promise<{ batches: BatchSummary[]; nextCursor: string | null }> {
  const where = whereOf(filters);
  if (page.cursor) {
    const after = decodeKeysetCursor(page.cursor);
    where.push({ OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] });
  }
  const rows = await db.syncBatch.findMany({
    where: { AND: where },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: batchListSelect,
  });
  const { page: batches, nextCursor } = keysetPage(rows, page.limit, (b) => ({ at: b.createdAt, id: b.id }));
  return {
    batches: batches.map(({ device, attempts, bundleId, ...batch }) => ({
      ...batch,
      bundleId: Number(bundleId),
      deviceId: device.deviceId,
      platform: device.platform,
      source: batchSourceOf(device, batch.userId),
      lastReplay: attempts[0] ?? null,
    })),
    nextCursor,
  };
}
