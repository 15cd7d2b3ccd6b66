// The handler of `GET /api/v1/sync/events`, built once here so that Next's route
// (app/api/v1/sync/events/route.ts) and the path beside Next (beside-next.ts) answer alike.
import { env } from "../env";
import { handlerOf } from "../http/route";
import { eventsRoute } from "../http/routes/sync";
import { openLiveStream } from "./events";

export const eventsHandler = handlerOf(eventsRoute, async ({ db, device, position, request }) =>
  openLiveStream(db, device, position, { heartbeatSeconds: env().LIVE_HEARTBEAT_SECONDS, signal: request.signal }));
