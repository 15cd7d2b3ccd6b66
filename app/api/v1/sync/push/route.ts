import { handlerOf } from "@/server/http/route";
import { pushRoute } from "@/server/http/routes/sync";
import { applyPush } from "@/server/sync/push";

export const dynamic = "force-dynamic";

export const POST = handlerOf(pushRoute, async ({ db, device, body }) => applyPush(db, device, body));
