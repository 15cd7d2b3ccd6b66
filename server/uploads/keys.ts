// Identifiers of uploads. Blob keys are random (unguessable, but access is checked anyway); storage
// keys say where the bytes are: `uploads/<session id>` (resumable), `media/<blob key>`
// (presigned), `tus/<id>` (the tus endpoint's own files).
import { randomBytes } from "node:crypto";

export function newBlobKey(): string {
  return `b_${randomBytes(16).toString("base64url")}`;
}

export const sessionStorageKey = (uploadId: string): string => `uploads/${uploadId}`;
export const mediaStorageKey = (blobKey: string): string => `media/${blobKey}`;
export const blobUrl = (blobKey: string): string => `/api/v1/blobs/${blobKey}`;
