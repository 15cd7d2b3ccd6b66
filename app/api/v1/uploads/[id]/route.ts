import { handlerOf } from "@/server/http/route";
import { uploadChunkRoute, uploadStatusRoute } from "@/server/http/routes/uploads";
import { appendChunk } from "@/server/uploads/append";
import { getUploadSessionOrThrow, toUploadInfo } from "@/server/uploads/sessions";

export const dynamic = "force-dynamic";

/** The offset to resume from (answered with Cache-Control: no-store, like every JSON answer). */
export const GET = handlerOf(uploadStatusRoute, async ({ db, caller, params }) => toUploadInfo(await getUploadSessionOrThrow(db, caller, params.id ?? "")));

/** One chunk: the raw bytes, streamed to the store. */
export const PUT = handlerOf(uploadChunkRoute, async ({ db, caller, params, request }) => appendChunk(db, caller, params.id ?? "", request));
