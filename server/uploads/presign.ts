// Presigned media (PROTOCOL.md "Uploads": POST /api/v1/media/presign): the key is reserved for the
// caller, then the device PUTs the file straight to S3 (a presigned URL bound to the content type
// and length) or, on the file store, to this server's signed, expiring URL (PUT /api/v1/media/files/{key}).
// A record may reference the key once the bytes are there (media-check.ts).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { DbOrTx } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";
import { recordUploadStarted } from "../metrics/registry";
import { getBlobStore, withStorage } from "../storage/blob-store";
import { mediaStorageKey, newBlobKey } from "./keys";
import { uploadLimits } from "./limits";
import type { TPresignRequest, TPresignResponse } from "@syncdesk/protocol";

/** How long a presigned URL may be used. */
export const PRESIGN_TTL_SECONDS = 3600;

function signature(key: string, expires: number): string {
  return createHmac("sha256", env().syncTokenSecret).update(`media-put\n${key}\n${expires}`).digest("base64url");
}

/** Checks the signed URL's `expires` and `sig` (403 when forged or expired). */
export function verifyMediaSignature(key: string, expires: string | null, sig: string | null, now = new Date()): void {
  const at = Number(expires);
  const expected = Buffer.from(signature(key, at));
  const given = Buffer.from(sig ?? "");
  if (!Number.isInteger(at) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError("forbidden", "The upload URL's signature is invalid");
  }
  if (at * 1000 < now.getTime()) throw new AppError("forbidden", "The upload URL expired; ask for a new one");
}

export async function presignMedia(db: DbOrTx, caller: Caller, request: TPresignRequest, now = new Date()): Promise<TPresignResponse> {
  const limits = uploadLimits();
  if (request.size > limits.maxBytes) {
    throw new AppError("payload_too_large", `Uploads are limited to ${limits.maxBytes} bytes`, { limit: limits.maxBytes });
  }
  const key = newBlobKey();
  const storageKey = mediaStorageKey(key);
  const expiresAt = new Date(now.getTime() + PRESIGN_TTL_SECONDS * 1000);
  await db.mediaUpload.create({
    data: { key, ownerId: caller.userId, filename: request.filename, contentType: request.content_type, size: BigInt(request.size), storageKey, expiresAt },
  });
  recordUploadStarted("presigned");
  const presigned = await withStorage("presign", () => getBlobStore().presignPut(storageKey, {
    contentType: request.content_type, size: request.size, expiresInSeconds: PRESIGN_TTL_SECONDS,
  }));
  if (presigned) return { method: "PUT", upload_url: presigned.url, key, headers: presigned.headers, expires_at: expiresAt.toISOString() };
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return {
    method: "PUT",
    upload_url: `/api/v1/media/files/${key}?expires=${expires}&sig=${signature(key, expires)}`,
    key,
    headers: { "content-type": request.content_type },
    expires_at: expiresAt.toISOString(),
  };
}
