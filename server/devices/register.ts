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

/** The device row as the request found it: `current` when nothing about it needs writing now. */
type KnownDevice = { id: string; revoked: boolean; current: boolean };

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
    known && (known.revoked || known.current)
      ? { id: known.id, revoked: known.revoked }
      : await db.device.upsert({
          where: { userId_deviceId: { userId: caller.userId, deviceId } },
          create: { userId: caller.userId, deviceId, streams: caller.streams, ...hints },
          update: { lastSeenAt: new Date(), streams: caller.streams, ...hints },
          select: { id: true, revokedAt: true },
        }).then((row) => ({ id: row.id, revoked: row.revokedAt !== null }));
  if (device.revoked) throw new AppError("device_revoked", "This device has been revoked; sign in again");
  return { ...caller, deviceId, deviceRef: device.id };
}

type DeviceRow = { id: string; revoked: boolean; current: boolean | null };

const STALE = `now() - interval '${LAST_SEEN_RESOLUTION_MS} milliseconds'`;
/** The row holds the caller's grants ($3, sorted) and every hint the caller sent ($4, $5). */
const SAME_GRANTS =
  "streams = $3::text[] AND ($4::text IS NULL OR platform IS NOT DISTINCT FROM $4) AND ($5::text IS NULL OR app_version IS NOT DISTINCT FROM $5)";

/**
 * Every sync request reads its device, through pg rather than the ORM (~0.4 ms CPU less). The
 * same statement moves a stale last_seen_at of a device that is not revoked and whose grants and
 * hints are unchanged: a phone that polls less often than once a minute would otherwise pay a
 * second statement (an ORM upsert) on nearly every poll. The row is read in the statement's
 * snapshot, from before the update. The comparisons are made in SQL, so that only three small
 * columns come back (no array to parse). A new device, changed grants or hints: the upsert's.
 */
async function touchDevice(db: Db, caller: Caller, deviceId: string, hints: DeviceHints): Promise<KnownDevice | null> {
  const [row] = await sqlOf(db)<DeviceRow>(
    `WITH touched AS (
       UPDATE devices SET last_seen_at = now()
       WHERE user_id = $1 AND device_id = $2 AND revoked_at IS NULL AND last_seen_at < ${STALE} AND ${SAME_GRANTS}
       RETURNING id)
     SELECT id, revoked_at IS NOT NULL AS revoked,
       EXISTS (SELECT 1 FROM touched) OR (last_seen_at >= ${STALE} AND ${SAME_GRANTS}) AS current
     FROM devices WHERE user_id = $1 AND device_id = $2`,
    [caller.userId, deviceId, caller.streams, hints.platform ?? null, hints.appVersion ?? null],
    { prepare: true },
  );
  return row ? { id: row.id, revoked: row.revoked, current: row.current === true } : null;
}
