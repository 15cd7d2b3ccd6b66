// The staff conflict inbox: every stream, filtered by status, type, user, device and age, newest
// first, keyset paged on (created_at desc, id desc) so a page costs the same at any depth.
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { decodeKeysetCursor, keysetPage } from "../db/keyset-cursor";

export type ConsoleConflictQuery = {
  status: "open" | "resolved" | "all";
  type?: string;
  userId?: string;
  /** The device's own id (as the app sends it) or its console id (devices.id). */
  device?: string;
  /** Opened more than this many hours ago. */
  olderThanHours?: number;
  /** Opened within the last this many hours. */
  newerThanHours?: number;
  createdAfter?: Date;
  createdBefore?: Date;
  limit: number;
  cursor?: string;
};

export type ConsoleConflictRow = {
  id: string;
  type: string;
  recordId: string;
  stream: string;
  userId: string;
  device: { ref: string; deviceId: string } | null;
  policy: string;
  status: "open" | "resolved";
  fields: string[];
  clientAction: string;
  resolution: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
};

export type ConsoleConflictPage = { rows: ConsoleConflictRow[]; nextCursor: string | null };

const HOUR_MS = 3_600_000;
const ZUuid = z.uuid();

/** The devices.id values a device filter names (an app's device id may exist under several users). */
async function deviceRefsFor(db: DbOrTx, device: string): Promise<string[]> {
  const isRef = ZUuid.safeParse(device).success;
  const rows = await db.device.findMany({
    where: { OR: [{ deviceId: device }, ...(isRef ? [{ id: device }] : [])] },
    select: { id: true },
    take: 100,
  });
  return rows.map((r) => r.id);
}

/** The tightest created_at bounds the query's window and age filters imply together. */
function createdWindow(query: ConsoleConflictQuery, now: Date): Prisma.DateTimeFilter | undefined {
  const hoursAgo = (hours?: number) => (hours === undefined ? undefined : new Date(now.getTime() - hours * HOUR_MS));
  const times = (...dates: (Date | undefined)[]) => dates.flatMap((d) => (d ? [d.getTime()] : []));
  const before = times(query.createdBefore, hoursAgo(query.olderThanHours));
  const after = times(query.createdAfter, hoursAgo(query.newerThanHours));
  if (before.length === 0 && after.length === 0) return undefined;
  return {
    ...(before.length ? { lt: new Date(Math.min(...before)) } : {}),
    ...(after.length ? { gte: new Date(Math.max(...after)) } : {}),
  };
}

export async function listConflictsForConsole(
  db: DbOrTx,
  query: ConsoleConflictQuery,
  now: Date = new Date(),
): Promise<ConsoleConflictPage> {
  const after = query.cursor ? decodeKeysetCursor(query.cursor) : null;
  const deviceRefs = query.device ? await deviceRefsFor(db, query.device) : null;
  const created = createdWindow(query, now);
  const rows = await db.conflict.findMany({
    where: {
      AND: [
        query.status === "all" ? {} : { status: query.status },
        query.type ? { type: query.type } : {},
        query.userId ? { userId: query.userId } : {},
        deviceRefs ? { deviceRef: { in: deviceRefs } } : {},
        created ? { createdAt: created } : {},
        after
          ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] }
          : {},
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: {
      id: true, type: true, recordId: true, stream: true, userId: true, deviceRef: true, policy: true,
      status: true, fields: true, clientAction: true, resolution: true, createdAt: true, resolvedAt: true,
    },
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }));
  const refs = [...new Set(page.flatMap((r) => (r.deviceRef ? [r.deviceRef] : [])))];
  const devices = refs.length
    ? await db.device.findMany({ where: { id: { in: refs } }, select: { id: true, deviceId: true } })
    : [];
  const deviceIds = new Map(devices.map((d) => [d.id, d.deviceId]));
  return {
    rows: page.map(({ deviceRef, status, ...row }) => ({
      ...row,
      status: status === "resolved" ? "resolved" : "open",
      device: deviceRef ? { ref: deviceRef, deviceId: deviceIds.get(deviceRef) ?? "(removed)" } : null,
    })),
    nextCursor,
  };
}
