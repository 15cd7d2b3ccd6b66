import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { completeUpload } from "@/server/uploads/complete";
import { ZCompleteRequest } from "@/server/uploads/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZCompleteRequest,
  handler: async ({ db, caller, body, params, request }) => {
    await deviceFromHeader(db, caller, request);
    return completeUpload(db, caller, params.id ?? "", body);
  },
});
