// Every mobile route, in the order the OpenAPI document lists them (openapi.ts). Each handler in
// app/api/** is built from its definition here (route.ts `handlerOf`); test/protocol/route-table
// checks that the two sets are the same.
import type { RouteDefinition } from "./route-definition";
import * as C from "./routes/conflicts";
import * as B from "./routes/server";
import * as H from "./routes/service";
import * as S from "./routes/sync";
import * as T from "./routes/tus";
import * as U from "./routes/uploads";
import * as V from "./routes/verify";
import * as W from "./routes/watermelon";
import * as K from "./routes/webhooks";

export type MobileRoute = RouteDefinition;

export const MOBILE_ROUTES: readonly MobileRoute[] = [
  S.bootstrapRoute, S.pullRoute, S.pullGetRoute, S.pushRoute, S.ackRoute,
  V.verifyRoute, V.checksumsRoute, V.fetchRoute, V.digestRoute,
  S.eventsRoute,
  C.listConflictsRoute, C.resolveConflictRoute,
  W.watermelonPullRoute, W.watermelonPushRoute,
  U.createUploadRoute, U.uploadStatusRoute, U.uploadChunkRoute, U.completeUploadRoute, U.presignMediaRoute, U.mediaPutRoute, U.downloadBlobRoute,
  T.tusOptionsRoute, T.tusCreateRoute, T.tusHeadRoute, T.tusPatchRoute, T.tusDeleteRoute, T.tusOptionsUploadRoute,
  B.serverRecordsRoute, B.serverPushRoute, B.serverChangesRoute,
  K.createWebhookRoute, K.listWebhooksRoute, K.deleteWebhookRoute,
  H.healthRoute,
];
