// A pull request names no device: the token does. Open it, check it belongs to the caller (and to
// the device the caller says it is, when it sends X-Device-Id), refuse a revoked device, then pull.
import type { Db } from "../db/client";
import { ensureDevice, type DeviceContext, type DeviceHints } from "../devices/register";
import { env } from "../env";
import { AppError } from "../errors";
import { recordPull } from "../metrics/registry";
import type { Caller } from "../auth/caller";
import { pullChanges } from "./pull";
import type { TPullRequest, TPullResponse } from "./schemas";
import { checkPullTokenOwner, openPullToken, type PullPosition } from "./tokens";

/** The device and position of a pull token the caller may use (also live updates' check). */
export async function openTokenForCaller(
  db: Db, caller: Caller, token: string, hints: DeviceHints, claimedDeviceId: string | null,
): Promise<{ device: DeviceContext; position: PullPosition }> {
  const position = openPullToken(env().syncTokenSecret, token);
  const foreignDevice = claimedDeviceId !== null && claimedDeviceId !== position.d;
  if (position.u !== caller.userId || foreignDevice) throw new AppError("invalid_token", "The sync token is not valid");
  const device = await ensureDevice(db, caller, position.d, hints);
  checkPullTokenOwner(position, device);
  return { device, position };
}

export async function pullForCaller(
  db: Db, caller: Caller, input: TPullRequest, hints: DeviceHints, claimedDeviceId: string | null,
): Promise<TPullResponse> {
  const { device, position } = await openTokenForCaller(db, caller, input.token, hints, claimedDeviceId);
  const response = await pullChanges(db, device, position, input.limit);
  recordPull(response.changes.length, Buffer.byteLength(JSON.stringify(response.changes)));
  return response;
}
