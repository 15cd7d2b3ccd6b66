import { json } from "@/server/http/json-response";
import { handlerOf } from "@/server/http/route";
import { createUploadRoute } from "@/server/http/routes/uploads";
import { createUploadSession } from "@/server/uploads/sessions";

export const dynamic = "force-dynamic";

export const POST = handlerOf(createUploadRoute, async ({ db, caller, body }) => {
  const info = await createUploadSession(db, caller, body);
  return json(info, 201, { location: info.upload_url });
});
