import { ensureDevice } from "@/server/devices/register";
import { deviceHints, deviceRoute } from "@/server/http/route";
import { applyPush } from "@/server/sync/push";
import { ZPushRequest } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZPushRequest,
  handler: async ({ db, caller, body, request }) =>
    applyPush(db, await ensureDevice(db, caller, body.device_id, deviceHints(request)), body),
});
