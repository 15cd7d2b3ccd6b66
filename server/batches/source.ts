// Who wrote a sync batch: a device, or the team's backend through a service key. A server writer
// is a device of the user `service:<key name>` with platform "server" (server/sync/server-push.ts).
import { SERVER_PLATFORM, serverUserOf } from "../sync/server-push";

export type BatchSource = { kind: "device" } | { kind: "server"; writerId: string; keyName: string };

const SERVICE_USER_PREFIX = serverUserOf({ name: "" });

export function batchSourceOf(device: { deviceId: string; platform: string | null }, userId: string): BatchSource {
  if (device.platform !== SERVER_PLATFORM || !userId.startsWith(SERVICE_USER_PREFIX)) return { kind: "device" };
  return { kind: "server", writerId: device.deviceId, keyName: userId.slice(SERVICE_USER_PREFIX.length) };
}
