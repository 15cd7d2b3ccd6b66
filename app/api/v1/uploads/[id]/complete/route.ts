import { handlerOf } from "@/server/http/route";
import { completeUploadRoute } from "@/server/http/routes/uploads";
import { completeUpload } from "@/server/uploads/complete";

export const dynamic = "force-dynamic";

export const POST = handlerOf(completeUploadRoute, async ({ db, caller, body, params }) => completeUpload(db, caller, params.id ?? "", body));
