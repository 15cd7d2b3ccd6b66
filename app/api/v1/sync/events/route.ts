import { env } from "@/server/env";
import { deviceHints, deviceRoute } from "@/server/http/route";
import { openLiveStream } from "@/server/live/events";
import { openTokenForCaller } from "@/server/sync/pull-for-caller";
import { ZEventsQuery } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = deviceRoute({
  query: ZEventsQuery,
  handler: async ({ db, caller, query, request }) => {
    const claimed = request.headers.get("x-device-id")?.trim() || null;
    const { device, position } = await openTokenForCaller(db, caller, query.token, deviceHints(request), claimed);
    return openLiveStream(db, device, position, { heartbeatSeconds: env().LIVE_HEARTBEAT_SECONDS, signal: request.signal });
  },
});
