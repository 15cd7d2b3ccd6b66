// PUT /api/v1/media/files/{key}: the file store's answer to a presigned S3 PUT. Authorised by the URL's
// signature; the body must be exactly the size given at presign time; a key is written once.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { recordUploadBytes } from "../metrics/registry";
import { getBlobStore, iterateStream, withStorage } from "../storage/blob-store";
import { BodyTooLong, capBytes } from "./content-range";
import { verifyMediaSignature } from "./presign";
import { ZBlobKey, type TMediaPutResponse } from "@syncdesk/protocol";

export async function putPresignedMedia(db: Db, key: string, request: Request): Promise<TMediaPutResponse> {
  const url = new URL(request.url);
  if (!ZBlobKey.safeParse(key).success) throw new AppError("not_found", "No such media upload");
  verifyMediaSignature(key, url.searchParams.get("expires"), url.searchParams.get("sig"));
  const media = await db.mediaUpload.findUnique({ where: { key } });
  if (!media) throw new AppError("not_found", "No such media upload");
  const size = Number(media.size);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > size) {
    throw new AppError("payload_too_large", `This upload is ${size} bytes`, { limit: size });
  }
  const store = getBlobStore();
  if (await withStorage("stat", () => store.stat(media.storageKey))) throw new AppError("conflict", "This key was already uploaded");
  let written: number;
  try {
    written = (await store.write(media.storageKey, capBytes(iterateStream(request.body), size), media.contentType)).size;
  } catch (error) {
    if (error instanceof BodyTooLong) throw new AppError("payload_too_large", `This upload is ${size} bytes`, { limit: size });
    if (request.signal.aborted) throw new AppError("invalid_request", "The body was interrupted; PUT the file again");
    await withStorage("write", () => Promise.reject(error));
    throw error;
  }
  if (written !== size) {
    await store.delete(media.storageKey);
    throw new AppError("invalid_request", `The body has ${written} bytes, not the ${size} presigned`);
  }
  recordUploadBytes(written);
  return { key, size };
}
