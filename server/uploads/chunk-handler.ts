// The handler of a chunk PUT (`PUT /api/v1/uploads/{id}`), built once here so that Next's route
// (app/api/v1/uploads/[id]/route.ts) and the path beside Next (beside-next.ts) answer alike.
import { handlerOf } from "../http/route";
import { uploadChunkRoute } from "../http/routes/uploads";
import { appendChunk } from "./append";

export const uploadChunkHandler = handlerOf(uploadChunkRoute, async ({ db, caller, params, request }) => appendChunk(db, caller, params.id ?? "", request));
