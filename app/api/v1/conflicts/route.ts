import { listConflicts } from "@/server/conflicts/list";
import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { ZConflictListQuery } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const GET = deviceRoute({
  query: ZConflictListQuery,
  handler: async ({ db, caller, query, request }) => {
    await deviceFromHeader(db, caller, request);
    return listConflicts(db, caller, query);
  },
});
