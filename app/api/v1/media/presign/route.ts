import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { presignMedia } from "@/server/uploads/presign";
import { ZPresignRequest } from "@/server/uploads/schemas";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZPresignRequest,
  handler: async ({ db, caller, body, request }) => {
    await deviceFromHeader(db, caller, request);
    return presignMedia(db, caller, body);
  },
});
