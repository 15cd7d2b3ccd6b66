import { handlerOf } from "@/server/http/route";
import { mediaPutRoute } from "@/server/http/routes/uploads";
import { putPresignedMedia } from "@/server/uploads/media-put";

export const dynamic = "force-dynamic";

/** The file store's signed media upload URL (what POST /api/v1/media/presign answered). */
export const PUT = handlerOf(mediaPutRoute, async ({ getDb, params, request }) => putPresignedMedia(await getDb(), params.key ?? "", request));
