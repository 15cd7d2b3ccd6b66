import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { fetchRecords } from "@/server/sync/fetch";
import { ZFetchRequest } from "@/server/sync/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZFetchRequest,
  handler: async ({ db, caller, body, request }) => {
    await deviceFromHeader(db, caller, request);
    return fetchRecords(db, caller, body);
  },
});
