// The console's device list: filtered, newest-seen first, keyset paged by (last_seen_at, id).
// A device seen again while someone pages moves to the top: paging is stable for what stays put.
import type { DbOrTx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { decodeKeysetCursor, keysetPage } from "../db/keyset-cursor";
import { loadDeviceStats, type DeviceStats } from "./stats";

export type DeviceFilters = {
  /** Part of the user id or the device id, any case. */
  q?: string;
  userId?: string;
  platform?: string;
  appVersion?: string;
  seenSince?: Date;
  seenBefore?: Date;
  revoked?: boolean;
  /**
   * Devices that reported a diverged history (a restore or failover, docs/operations.md):
   * `diverged` all of them, `unhealed` those not back on the current history yet.
   */
  history?: "diverged" | "unhealed";
};

export const deviceSelect = {
  id: true, userId: true, deviceId: true, platform: true, appVersion: true, streams: true,
  firstSeenAt: true, lastSeenAt: true, lastError: true, revokedAt: true, divergedAt: true, healedAt: true,
} as const;

type DeviceRow = Prisma.DeviceGetPayload<{ select: typeof deviceSelect }>;

export type DeviceSummary = Omit<DeviceRow, "streams" | "lastError"> &
  DeviceStats & { status: "active" | "revoked" };

export function toDeviceSummary(row: DeviceRow, stats: DeviceStats | undefined): DeviceSummary {
  const { streams: _streams, lastError: _lastError, ...device } = row;
  return {
    ...device,
    status: row.revokedAt ? "revoked" : "active",
    lag: stats?.lag ?? 0,
    streams: stats?.streams ?? [],
    openConflicts: stats?.openConflicts ?? 0,
    lastError: stats?.lastError ?? null,
  };
}

/** Prisma passes `contains` to ILIKE as is: `_` and `%` in a search are letters, not wildcards. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereOf(filters: DeviceFilters): Prisma.DeviceWhereInput[] {
  const { userId, platform, appVersion, seenSince, seenBefore, revoked } = filters;
  const where: Prisma.DeviceWhereInput[] = [];
  if (filters.q) {
    const q = literal(filters.q);
    where.push({ OR: [{ userId: { contains: q, mode: "insensitive" } }, { deviceId: { contains: q, mode: "insensitive" } }] });
  }
  if (userId) where.push({ userId });
  if (platform) where.push({ platform: { equals: platform, mode: "insensitive" } });
  if (appVersion) where.push({ appVersion });
  if (seenSince) where.push({ lastSeenAt: { gte: seenSince } });
  if (seenBefore) where.push({ lastSeenAt: { lt: seenBefore } });
  if (revoked !== undefined) where.push({ revokedAt: revoked ? { not: null } : null });
  if (filters.history) where.push({ divergedAt: { not: null }, ...(filters.history === "unhealed" ? { healedAt: null } : {}) });
  return where;
}

export async function listDevices(
  db: DbOrTx,
  filters: DeviceFilters,
  page: { cursor?: string; limit: number },
): Promise<{ devices: DeviceSummary[]; nextCursor: string | null }> {
  const where = whereOf(filters);
  if (page.cursor) {
    const after = decodeKeysetCursor(page.cursor);
    where.push({ OR: [{ lastSeenAt: { lt: after.at } }, { lastSeenAt: after.at, id: { lt: after.id } }] });
  }
  const rows = await db.device.findMany({
    where: { AND: where },
    orderBy: [{ lastSeenAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: deviceSelect,
  });
  const { page: devices, nextCursor } = keysetPage(rows, page.limit, (d) => ({ at: d.lastSeenAt, id: d.id }));
  const stats = await loadDeviceStats(db, devices);
  return { devices: devices.map((d) => toDeviceSummary(d, stats.get(d.id))), nextCursor };
}
