import { deviceFromHeader, deviceRoute } from "@/server/http/route";
import { appendChunk } from "@/server/uploads/append";
import { getUploadSessionOrThrow, toUploadInfo } from "@/server/uploads/sessions";

export const dynamic = "force-dynamic";

/** The offset to resume from (answered with Cache-Control: no-store, like every JSON answer). */
export const GET = deviceRoute({
  handler: async ({ db, caller, params, request }) => {
    await deviceFromHeader(db, caller, request);
    return toUploadInfo(await getUploadSessionOrThrow(db, caller, params.id ?? ""));
  },
});

/** One chunk: the raw bytes, streamed to the store. */
export const PUT = deviceRoute({
  handler: async ({ db, caller, params, request }) => {
    await deviceFromHeader(db, caller, request);
    return appendChunk(db, caller, params.id ?? "", request);
  },
});
