// POST /server/push (INTEGRATION.md section 2): the team's backend writes through the same engine
// as devices: the same policies, field rules and idempotency. The writer is a device of the user
// `service:<key name>` with platform `server`, so its batches are stored, listed and replayed like
// any other, with the writer as their source; idempotency is per key and writer on `bundle_id`.
import { SERVICE_USER_PREFIX } from "../auth/caller";
import type { Db } from "../db/client";
import { ensureDevice } from "../devices/register";
import { AppError } from "../errors";
import { streamAllowed } from "../keys/stream-patterns";
import type { ServiceCaller } from "../keys/service-keys";
import { applyPush } from "./push";
import type { TPushResponse } from "@syncdesk/protocol";
import type { TServerPushRequest } from "./server-schemas";

export const SERVER_PLATFORM = "server";

export const serverUserOf = (service: Pick<ServiceCaller, "name">) => `${SERVICE_USER_PREFIX}${service.name}`;

export async function applyServerPush(db: Db, service: ServiceCaller, request: TServerPushRequest): Promise<TPushResponse> {
  // 1. Every item's stream within the key's patterns, or nothing is written (403, not per item).
  const streams = [...new Set(request.items.map((i) => i.stream))].sort();
  const outside = streams.filter((s) => !streamAllowed(service.streams, s));
  if (outside.length > 0) throw new AppError("forbidden", `The service key's streams do not include ${outside.join(", ")}`);
  // 2. The writer, granted exactly the streams it writes now.
  const writer = await ensureDevice(db, { userId: serverUserOf(service), streams }, request.writer_id, { platform: SERVER_PLATFORM });
  // 3. The device push, held to what the server may write (server-only fields).
  const { writer_id: deviceId, ...rest } = request;
  return applyPush(db, writer, { ...rest, device_id: deviceId }, "server");
}
