// A blob served to the console. Only raster images are inline, and every answer is sandboxed
// (CSP) so user-uploaded bytes can never run as part of the console's origin.
import { getDb } from "../db/client";
import { AppError } from "../errors";
import { ZBlobKey } from "@syncdesk/protocol";
import { PREVIEW_TYPES } from "./console-media";
import { blobResponse } from "./download";

export async function getBlobForStaff(key: string, rangeHeader: string | null): Promise<Response> {
  const notFound = new AppError("not_found", "No such blob");
  if (!ZBlobKey.safeParse(key).success) throw notFound;
  const db = await getDb();
  const blob = await db.blob.findUnique({ where: { key } });
  if (!blob) throw notFound;
  const image = PREVIEW_TYPES.has(blob.contentType.split(";")[0]?.trim().toLowerCase() ?? "");
  const response = await blobResponse(image ? blob : { ...blob, contentType: "application/octet-stream" }, rangeHeader, { inline: image });
  response.headers.set("content-security-policy", "default-src 'none'; img-src 'self'; sandbox");
  return response;
}
