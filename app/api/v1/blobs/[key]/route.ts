import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { getReadableBlobOrThrow } from "@/server/uploads/blob-access";
import { blobResponse } from "@/server/uploads/download";

export const dynamic = "force-dynamic";

export const GET = deviceRoute({
  handler: async ({ db, caller, params, request }) => {
    await deviceFromHeader(db, caller, request);
    const blob = await getReadableBlobOrThrow(db, caller, params.key ?? "");
    return blobResponse(blob, request.headers.get("range"));
  },
});
