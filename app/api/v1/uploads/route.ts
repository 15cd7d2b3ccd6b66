import { json } from "@/server/http/json-response";
import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { ZCreateUploadRequest } from "@/server/uploads/schemas";
import { createUploadSession } from "@/server/uploads/sessions";

export const dynamic = "force-dynamic";

export const POST = deviceRoute({
  body: ZCreateUploadRequest,
  handler: async ({ db, caller, body, request }) => {
    await deviceFromHeader(db, caller, request);
    const info = await createUploadSession(db, caller, body);
    return json(info, 201, { location: info.upload_url });
  },
});
