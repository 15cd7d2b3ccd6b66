import { handlerOf } from "@/server/http/route";
import { watermelonPullRoute, watermelonPushRoute } from "@/server/http/routes/watermelon";
import { pullWatermelon } from "@/server/watermelon/pull";
import { pushWatermelon } from "@/server/watermelon/push";

export const dynamic = "force-dynamic";

export const GET = handlerOf(watermelonPullRoute, async ({ db, device, query }) => pullWatermelon(db, device, query));
export const POST = handlerOf(watermelonPushRoute, async ({ db, device, query, body }) => pushWatermelon(db, device, query.last_pulled_at, body));
