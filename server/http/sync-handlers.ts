// The handlers of the hot sync routes (pull, push, bootstrap pages, ack), built once here so that
// Next's routes (app/api/v1/sync/*/route.ts) and the path beside Next (beside-next-routes.ts)
// answer alike: one route builder, one authentication, rate limit, log line and error envelope.
import { readFrom } from "../db/read-db";
import { recordBootstrapPage, recordPull } from "../metrics/registry";
import { ackToken } from "../sync/ack";
import { readBootstrapPage } from "../sync/bootstrap";
import { bootstrapPageJson } from "../sync/bootstrap-json";
import { pullPageBytes, type PullPage } from "../sync/change-json";
import { pullForDevice } from "../sync/pull-for-caller";
import { applyPush } from "../sync/push";
import { jsonBytes, jsonText } from "./json-response";
import { handlerOf } from "./route";
import { ackRoute, bootstrapRoute, pullGetRoute, pullRoute, pushRoute } from "./routes/sync";

/**
 * The page written once, its stored documents spliced in as text (change-json.ts): the metrics
 * take its byte length from the bytes sent (issue 21).
 */
function pullAnswer(page: PullPage): Response {
  const bytes = pullPageBytes(page);
  recordPull(page.changes.length, bytes.byteLength);
  return jsonBytes(bytes);
}

export const pullHandler = handlerOf(pullRoute, async ({ db, device, position, body }) => pullAnswer(await pullForDevice(db, device, position, body.limit)));

export const pullGetHandler = handlerOf(pullGetRoute, async ({ db, device, position, query }) => pullAnswer(await pullForDevice(db, device, position, query.limit)));

export const pushHandler = handlerOf(pushRoute, async ({ db, device, body }) => applyPush(db, device, body));

export const bootstrapHandler = handlerOf(bootstrapRoute, async ({ db, device, body }) => {
  // The first page records a compaction hold (a write): on the primary. Later pages only read.
  const page = body.cursor ? await readFrom(db, (reader) => readBootstrapPage(reader, device, body)) : await readBootstrapPage(db, device, body);
  recordBootstrapPage(page.items.length);
  // Written once, its stored documents spliced in as text (bootstrap-json.ts, issue 21).
  return jsonText(bootstrapPageJson(page));
});

export const ackHandler = handlerOf(ackRoute, async ({ db, device, body }) => ackToken(db, device, body.token));
