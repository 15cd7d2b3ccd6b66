import { handlerOf } from "@/server/http/route";
import { json } from "@/server/http/json-response";
import { pullGetRoute, pullRoute } from "@/server/http/routes/sync";
import { recordPull } from "@/server/metrics/registry";
import { pullForDevice } from "@/server/sync/pull-for-caller";
import type { TPullResponse } from "@syncdesk/protocol";

export const dynamic = "force-dynamic";

/** The page serialised once: the metrics take its byte length from the text sent (issue 21). */
function answer(page: TPullResponse): Response {
  const response = json(page);
  recordPull(page.changes.length, Number(response.headers.get("content-length")));
  return response;
}

export const POST = handlerOf(pullRoute, async ({ db, device, position, body }) => answer(await pullForDevice(db, device, position, body.limit)));
export const GET = handlerOf(pullGetRoute, async ({ db, device, position, query }) => answer(await pullForDevice(db, device, position, query.limit)));
