import { handlerOf } from "@/server/http/route";
import { uploadStatusRoute } from "@/server/http/routes/uploads";
import { uploadChunkHandler } from "@/server/uploads/chunk-handler";
import { getUploadSessionOrThrow, toUploadInfo } from "@/server/uploads/sessions";

export const dynamic = "force-dynamic";

/** The offset to resume from (answered with Cache-Control: no-store, like every JSON answer). */
export const GET = handlerOf(uploadStatusRoute, async ({ db, caller, params }) => toUploadInfo(await getUploadSessionOrThrow(db, caller, params.id ?? "")));

/**
 * One chunk: the raw bytes, streamed to the store. `next start` serves it beside Next
 * (server/uploads/beside-next.ts); this route answers where that is not installed (development
 * servers, tests) and is what the route table reads.
 */
export const PUT = uploadChunkHandler;
