// A pull request names no device: its token does. The token must be the caller's, and of the
// device the caller says it is when it says so (a device's own id, e.g. X-Device-Id over HTTP);
// whoever resolves the device then checks it (registered, not revoked) and the token's expiry.
import type { Caller } from "../auth/caller";
import type { Db } from "../db/client";
import { readFrom } from "../db/read-db";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { AppError } from "../errors";
import { notingDivergence } from "./divergence";
import type { PullPage } from "./change-json";
import { readPullPage } from "./pull";
import { openPullToken, type PullPosition } from "./tokens";

/** The position of a pull token the caller may use (pulls and live updates). */
export function openTokenForCaller(caller: Caller, token: string, claimedDeviceId: string | null): PullPosition {
  const position = openPullToken(env().syncTokenSecret, token);
  const foreignDevice = claimedDeviceId !== null && claimedDeviceId !== position.d;
  if (position.u !== caller.userId || foreignDevice) throw new AppError("invalid_token", "The sync token is not valid");
  return position;
}

/** One pull page from an opened token's position, for its (checked) device (`pullPageBytes` writes it). */
export async function pullForDevice(db: Db, device: DeviceContext, position: PullPosition, limit: number): Promise<PullPage> {
  // The page may come from a replica (read-db.ts); noting a divergence is a write, on the primary.
  // The route records the page's metrics from the JSON it sends: serialising it here too cost
  // ~1 ms of server CPU per page of 1,000 changes.
  return notingDivergence(db, device.deviceRef, () => readFrom(db, (reader) => readPullPage(reader, device, position, limit)));
}
