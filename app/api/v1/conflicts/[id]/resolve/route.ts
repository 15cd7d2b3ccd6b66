import { resolveConflict } from "@/server/conflicts/resolve";
import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { ZResolveRequest } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZResolveRequest,
  handler: async ({ db, caller, body, params, request }) => {
    const device = await deviceFromHeader(db, caller, request);
    const actor = { type: "device" as const, id: device ? `${caller.userId}/${device.deviceId}` : caller.userId };
    return resolveConflict(db, actor, caller, params.id ?? "", body);
  },
});
