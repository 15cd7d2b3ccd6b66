import { ensureDevice } from "@/server/devices/register";
import { deviceHints, deviceRoute } from "@/server/http/route";
import { ackToken } from "@/server/sync/ack";
import { ZAckRequest } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZAckRequest,
  handler: async ({ db, caller, body, request }) =>
    ackToken(db, await ensureDevice(db, caller, body.device_id, deviceHints(request)), body.token),
});
