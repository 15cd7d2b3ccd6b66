// Everything `next start` serves beside Next (beside-next.ts), in one list: the first route that
// takes a request answers it, any other request is Next's. Each answers with the handler of
// Next's own route for the same path, which stays: `next dev`, the tests' server and any request
// a route here declines (another method, a path Next would normalise) still reach it.
import { liveRoute } from "../live/beside-next";
import { chunkRoute } from "../uploads/beside-next";
import type { BesideNextRoute } from "./beside-next";
import { handlerRoute } from "./beside-next-handler";
import { ackHandler, bootstrapHandler, pullGetHandler, pullHandler, pushHandler } from "./sync-handlers";

export const BESIDE_NEXT_ROUTES: readonly BesideNextRoute[] = [
  // GET /api/v1/sync/events: held open for hours, Next's per-request state would stay with it.
  liveRoute,
  // PUT /api/v1/uploads/{id}: 8 MiB bodies, read from the socket rather than through web streams.
  chunkRoute,
  // The sync requests a phone makes most: Next's pipeline was ~1.2 ms of an empty pull's ~3 ms.
  handlerRoute(pullHandler), // POST /api/v1/sync/pull
  handlerRoute(pullGetHandler), // GET /api/v1/sync/pull
  handlerRoute(pushHandler), // POST /api/v1/sync/push
  handlerRoute(bootstrapHandler), // POST /api/v1/sync/bootstrap
  handlerRoute(ackHandler), // POST /api/v1/sync/ack
];
