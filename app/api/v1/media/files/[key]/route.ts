import { handleMediaPut } from "@/server/uploads/media-put";

export const dynamic = "force-dynamic";

/** The file store's signed media upload URL (what POST /api/v1/media/presign answered). */
export const PUT = handleMediaPut;
