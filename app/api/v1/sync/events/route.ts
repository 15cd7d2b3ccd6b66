import { env } from "@/server/env";
import { handlerOf } from "@/server/http/route";
import { eventsRoute } from "@/server/http/routes/sync";
import { openLiveStream } from "@/server/live/events";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handlerOf(eventsRoute, async ({ db, device, position, request }) =>
  openLiveStream(db, device, position, { heartbeatSeconds: env().LIVE_HEARTBEAT_SECONDS, signal: request.signal }));
