import { resolveConflict } from "@/server/conflicts/resolve";
import { handlerOf } from "@/server/http/route";
import { resolveConflictRoute } from "@/server/http/routes/conflicts";

export const dynamic = "force-dynamic";

export const POST = handlerOf(resolveConflictRoute, async ({ db, caller, device, body, params }) => {
  const actor = { type: "device" as const, id: device ? `${caller.userId}/${device.deviceId}` : caller.userId };
  return resolveConflict(db, actor, caller, params.id ?? "", body);
});
