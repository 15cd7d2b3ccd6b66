// Which device a request comes from, resolved once per request by the route builder: the one
// reader of `X-Device-Id` and of the device hint headers.
import type { Caller } from "../auth/caller";
import type { Db } from "../db/client";
import { ensureDevice, type DeviceContext, type DeviceHints } from "../devices/register";
import { AppError } from "../errors";
import { openTokenForCaller } from "../sync/pull-for-caller";
import { ZDeviceId } from "@syncdesk/protocol";
import { checkPullTokenOwner, type PullPosition } from "../sync/tokens";
import type { DeviceSource } from "./route-definition";

/** `X-Device-Id` as sent (trimmed), or null when absent or blank. */
function headerDeviceId(request: Request): string | null {
  return request.headers.get("x-device-id")?.trim() || null;
}

/**
 * The device a request names for its rate limit: `device_id` of its body, else its X-Device-Id
 * header. Read before validation, so clipped: a key never grows with what a client sends.
 */
export function rateLimitDeviceId(request: Request, rawBody: unknown): string | null {
  const named = typeof rawBody === "object" && rawBody !== null && "device_id" in rawBody && typeof rawBody.device_id === "string"
    ? rawBody.device_id
    : headerDeviceId(request);
  return named?.trim().slice(0, 200) || null;
}

/** Optional device facts a client may send on any call; shown in the console. */
function deviceHints(request: Request): DeviceHints {
  const clip = (value: string | null) => (value ? value.slice(0, 100) : undefined);
  const hints: DeviceHints = {};
  const platform = clip(request.headers.get("x-device-platform"));
  const appVersion = clip(request.headers.get("x-app-version"));
  if (platform) hints.platform = platform;
  if (appVersion) hints.appVersion = appVersion;
  return hints;
}

const field = (value: unknown, name: string): string | undefined => {
  if (typeof value !== "object" || value === null || !(name in value)) return undefined;
  const found: unknown = Reflect.get(value, name);
  return typeof found === "string" ? found : undefined;
};

export type ResolvedDevice = { device: DeviceContext | null; position?: PullPosition };

/**
 * Registers (or refreshes) the calling device and refuses a revoked one. `body` and `query` are
 * already parsed, so a body source's `device_id` and a sync token are there and well formed.
 */
export async function resolveDevice(
  source: DeviceSource, db: Db, caller: Caller, request: Request, input: { body: unknown; query: unknown },
): Promise<ResolvedDevice> {
  const hints = deviceHints(request);
  switch (source.from) {
    case "body":
      return { device: await ensureDevice(db, caller, field(input.body, "device_id") ?? "", hints) };
    case "header": {
      const sent = headerDeviceId(request);
      const deviceId = sent === null ? null : ZDeviceId.safeParse(sent);
      if (deviceId && !deviceId.success) throw new AppError("invalid_request", "X-Device-Id is invalid");
      const named = deviceId?.data ?? source.fallback;
      return { device: named === undefined ? null : await ensureDevice(db, caller, named, hints) };
    }
    case "syncToken": {
      const token = field(input.body, "token") ?? field(input.query, "token") ?? "";
      const position = openTokenForCaller(caller, token, headerDeviceId(request));
      const device = await ensureDevice(db, caller, position.d, hints);
      checkPullTokenOwner(position, device);
      return { device, position };
    }
  }
}
