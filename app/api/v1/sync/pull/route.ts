import { deviceHints, deviceRoute, type RouteContext } from "@/server/http/route";
import { pullForCaller } from "@/server/sync/pull-for-caller";
import { ZPullRequest, type TPullRequest } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

const handler = ({ db, caller, body, query, request }: RouteContext<TPullRequest, TPullRequest>) =>
  pullForCaller(db, caller, body ?? query, deviceHints(request), request.headers.get("x-device-id")?.trim() || null);

export const POST = deviceRoute({ body: ZPullRequest, handler });
export const GET = deviceRoute({ query: ZPullRequest, handler });
