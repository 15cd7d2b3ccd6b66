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
  id: string; revokedAt: Date | null; touched: boolean; stale: boolean;
  streams: string[]; platform: string | null; appVersion: string | null;
};

function sameGrants(known: KnownDevice, caller: Caller, hints: DeviceHints): boolean {
  return (
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
  // The common case, a known device with the same grants, is this one statement: a read, and the
  // refresh of a stale last_seen_at in the same statement (touchDevice).
  const known = await touchDevice(db, caller, deviceId, hints);
  const device =
    known && (known.revokedAt || (sameGrants(known, caller, hints) && (known.touched || !known.stale)))
      ? known
      : await db.device.upsert({
          where: { userId_deviceId: { userId: caller.userId, deviceId } },
          create: { userId: caller.userId, deviceId, streams: caller.streams, ...hints },
          update: { lastSeenAt: new Date(), streams: caller.streams, ...hints },
          select: { id: true, revokedAt: true },
        });
  if (device.revokedAt) throw new AppError("device_revoked", "This device has been revoked; sign in again");
  return { ...caller, deviceId, deviceRef: device.id };
}

type DeviceRow = {
  id: string; revoked_at: Date | string | null; touched: boolean; stale: boolean;
  streams: string[]; platform: string | null; app_version: string | null;
};

const STALE = `now() - interval '${LAST_SEEN_RESOLUTION_MS} milliseconds'`;

/**
 * Every sync request reads its device, through pg rather than the ORM (~0.4 ms CPU less). The
 * same statement moves a stale last_seen_at of a device that is not revoked and whose grants and
 * hints are unchanged: a phone that polls less often than once a minute would otherwise pay a
 * second statement (an ORM upsert) on nearly every poll. The row read is the statement's snapshot,
 * from before the update; `touched` says whether the update wrote. Anything else (a new device,
 * changed grants or hints) is left to the upsert.
 */
async function touchDevice(db: Db, caller: Caller, deviceId: string, hints: DeviceHints): Promise<KnownDevice | null> {
  const [row] = await sqlOf(db)<DeviceRow>(
    `WITH touched AS (
       UPDATE devices SET last_seen_at = now()
       WHERE user_id = $1 AND device_id = $2 AND revoked_at IS NULL AND last_seen_at < ${STALE}
         AND streams = $3::text[] AND ($4::text IS NULL OR platform = $4) AND ($5::text IS NULL OR app_version = $5)
       RETURNING id)
     SELECT id, revoked_at, streams, platform, app_version, last_seen_at < ${STALE} AS stale,
       EXISTS (SELECT 1 FROM touched) AS touched
     FROM devices WHERE user_id = $1 AND device_id = $2`,
    [caller.userId, deviceId, caller.streams, hints.platform ?? null, hints.appVersion ?? null],
    { prepare: true },
  );
  if (!row) return null;
  return {
    id: row.id, revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at), touched: row.touched, stale: row.stale,
    streams: row.streams, platform: row.platform, appVersion: row.app_version,
  };
}
