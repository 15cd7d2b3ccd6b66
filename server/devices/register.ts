// Device registration on first use, last-seen tracking, and refusal of revoked devices.
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import type { Caller } from "../http/device-auth";

export type DeviceContext = Caller & { deviceId: string; deviceRef: string };

export type DeviceHints = { platform?: string; appVersion?: string };

/** Registers the device if new, refreshes last_seen_at, and refuses a revoked device. */
export async function ensureDevice(
  db: DbOrTx,
  caller: Caller,
  deviceId: string,
  hints: DeviceHints = {},
): Promise<DeviceContext> {
  const now = new Date();
  const device = await db.device.upsert({
    where: { userId_deviceId: { userId: caller.userId, deviceId } },
    create: { userId: caller.userId, deviceId, streams: caller.streams, ...hints },
    update: { lastSeenAt: now, streams: caller.streams, ...hints },
    select: { id: true, revokedAt: true },
  });
  if (device.revokedAt) throw new AppError("device_revoked", "This device has been revoked; sign in again");
  return { ...caller, deviceId, deviceRef: device.id };
}
