import { handlerOf } from "@/server/http/route";
import { pullGetRoute, pullRoute } from "@/server/http/routes/sync";
import { pullForDevice } from "@/server/sync/pull-for-caller";

export const dynamic = "force-dynamic";

export const POST = handlerOf(pullRoute, async ({ db, device, position, body }) => pullForDevice(db, device, position, body.limit));
export const GET = handlerOf(pullGetRoute, async ({ db, device, position, query }) => pullForDevice(db, device, position, query.limit));
