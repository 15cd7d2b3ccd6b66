// Device registration on first use, last-seen tracking, and refusal of revoked devices.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";

export type DeviceContext = Caller & { deviceId: string; deviceRef: string };

export type DeviceHints = { platform?: string; appVersion?: string };

/**
 * How stale last_seen_at may get before a call writes it again. Every sync call passes here, and
 * a write per call (a new row version, its index entries and a commit flush) cost a pull page
 * ~7 ms of waiting and made the devices table churn (bench/profile.ts); a minute is finer than
 * anything the console shows.
 */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

type KnownDevice = {
  id: string; revokedAt: Date | null; lastSeenAt: Date; streams: string[]; platform: string | null; appVersion: string | null;
};

function upToDate(known: KnownDevice, caller: Caller, hints: DeviceHints, now: Date): boolean {
  return (
    now.getTime() - known.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS &&
    known.streams.length === caller.streams.length &&
    known.streams.every((s, i) => s === caller.streams[i]) &&
    (hints.platform === undefined || hints.platform === known.platform) &&
    (hints.appVersion === undefined || hints.appVersion === known.appVersion)
  );
}

/** Registers the device if new, refreshes last_seen_at, and refuses a revoked device. */
export async function ensureDevice(
  db: Db,
  caller: Caller,
  deviceId: string,
  hints: DeviceHints = {},
): Promise<DeviceContext> {
  const now = new Date();
  const where = { userId_deviceId: { userId: caller.userId, deviceId } };
  // The common case, a device seen a moment ago with the same grants, is a read, not a write.
  const known = await findDevice(db, caller.userId, deviceId);
  const device =
    known && (known.revokedAt || upToDate(known, caller, hints, now))
      ? known
      : await db.device.upsert({
          where,
          create: { userId: caller.userId, deviceId, streams: caller.streams, ...hints },
          update: { lastSeenAt: now, streams: caller.streams, ...hints },
          select: { id: true, revokedAt: true },
        });
  if (device.revokedAt) throw new AppError("device_revoked", "This device has been revoked; sign in again");
  return { ...caller, deviceId, deviceRef: device.id };
}

type DeviceRow = {
  id: string; revoked_at: Date | string | null; last_seen_at: Date | string; streams: string[]; platform: string | null; app_version: string | null;
};

/** Every sync request reads its device: one statement through pg, not the ORM (~0.4 ms CPU less). */
async function findDevice(db: Db, userId: string, deviceId: string): Promise<KnownDevice | null> {
  const [row] = await sqlOf(db)<DeviceRow>(
    "SELECT id, revoked_at, last_seen_at, streams, platform, app_version FROM devices WHERE user_id = $1 AND device_id = $2",
    [userId, deviceId],
    { prepare: true },
  );
  if (!row) return null;
  return {
    id: row.id, revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at), lastSeenAt: new Date(row.last_seen_at),
    streams: row.streams, platform: row.platform, appVersion: row.app_version,
  };
}
