import { handlerOf } from "@/server/http/route";
import { presignMediaRoute } from "@/server/http/routes/uploads";
import { presignMedia } from "@/server/uploads/presign";

export const dynamic = "force-dynamic";

export const POST = handlerOf(presignMediaRoute, async ({ db, caller, body }) => presignMedia(db, caller, body));
