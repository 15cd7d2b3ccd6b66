import { ensureDevice } from "@/server/devices/register";
import { deviceHints, deviceRoute } from "@/server/http/route";
import { ZVerifyRequest } from "@/server/sync/schemas";
import { verifyPage } from "@/server/sync/verify";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZVerifyRequest,
  handler: async ({ db, caller, body, request }) =>
    verifyPage(db, await ensureDevice(db, caller, body.device_id, deviceHints(request)), body),
});
