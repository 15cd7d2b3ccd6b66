import { handlerOf } from "@/server/http/route";
import { jsonText } from "@/server/http/json-response";
import { pullGetRoute, pullRoute } from "@/server/http/routes/sync";
import { recordPull } from "@/server/metrics/registry";
import { pullForDevice } from "@/server/sync/pull-for-caller";
import { pullPageJson, type PullPage } from "@/server/sync/change-json";

export const dynamic = "force-dynamic";

/**
 * The page written once, its stored documents spliced in as text (change-json.ts): the metrics
 * take its byte length from the text sent (issue 21).
 */
function answer(page: PullPage): Response {
  const response = jsonText(pullPageJson(page));
  recordPull(page.changes.length, Number(response.headers.get("content-length")));
  return response;
}

export const POST = handlerOf(pullRoute, async ({ db, device, position, body }) => answer(await pullForDevice(db, device, position, body.limit)));
export const GET = handlerOf(pullGetRoute, async ({ db, device, position, query }) => answer(await pullForDevice(db, device, position, query.limit)));
