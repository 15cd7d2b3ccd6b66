import { handlerOf } from "@/server/http/route";
import { serverPushRoute } from "@/server/http/routes/server";
import { applyServerPush } from "@/server/sync/server-push";

export const dynamic = "force-dynamic";

export const POST = handlerOf(serverPushRoute, ({ db, service, body }) => applyServerPush(db, service, body));
