import { handlerOf } from "@/server/http/route";
import { downloadBlobRoute } from "@/server/http/routes/uploads";
import { getReadableBlobOrThrow } from "@/server/uploads/blob-access";
import { blobResponse } from "@/server/uploads/download";

export const dynamic = "force-dynamic";

export const GET = handlerOf(downloadBlobRoute, async ({ db, caller, params, request }) =>
  blobResponse(await getReadableBlobOrThrow(db, caller, params.key ?? ""), request.headers.get("range")));
