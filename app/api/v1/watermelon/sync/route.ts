import { ensureDevice } from "@/server/devices/register";
import { deviceFromHeader, deviceHints, deviceRoute, type RouteContext } from "@/server/http/route";
import { pullWatermelon } from "@/server/watermelon/pull";
import { pushWatermelon } from "@/server/watermelon/push";
import { ZWatermelonChanges, ZWatermelonPullQuery, ZWatermelonPushQuery } from "@/server/watermelon/schemas";
import { WATERMELON_DEVICE } from "@/server/watermelon/tables";

export const dynamic = "force-dynamic";

/** The device named by X-Device-Id, else one shared device per user for Watermelon clients. */
const device = async ({ db, caller, request }: RouteContext<unknown, unknown>) =>
  (await deviceFromHeader(db, caller, request)) ?? ensureDevice(db, caller, WATERMELON_DEVICE, deviceHints(request));

export const GET = deviceRoute({
  query: ZWatermelonPullQuery,
  handler: async (ctx) => pullWatermelon(ctx.db, await device(ctx), ctx.query),
});

export const POST = deviceRoute({
  query: ZWatermelonPushQuery,
  body: ZWatermelonChanges,
  handler: async (ctx) => pushWatermelon(ctx.db, await device(ctx), ctx.query.last_pulled_at, ctx.body),
});
