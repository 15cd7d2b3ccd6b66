// Resumable uploads, media presign and the signed media PUT, blob downloads (docs/protocol.md "Uploads").
import * as U from "@syncdesk/protocol";
import { defineRoute } from "../route-definition";
import { AUTH, BODY, DEVICE_IN_HEADER, NO_AUTH } from "./common";

export const createUploadRoute = defineRoute({
  id: "createUpload", method: "post", path: "/api/v1/uploads", tag: "uploads", auth: DEVICE_IN_HEADER, status: 201,
  summary: "Start a resumable upload",
  description: "Answers 201 with `upload_url` (PUT the chunks there), `chunk_size` (the largest chunk) and `expires_at`. See docs/protocol.md \"Uploads\".",
  body: U.ZCreateUploadRequest, response: U.ZUploadInfo, errors: BODY,
});

export const uploadStatusRoute = defineRoute({
  id: "uploadStatus", method: "get", path: "/api/v1/uploads/{id}", tag: "uploads", auth: DEVICE_IN_HEADER,
  summary: "An upload's offset (where to resume), size, status and expiry",
  description: "Never cached. Another user's upload is 404 like an unknown or expired one.",
  response: U.ZUploadInfo, errors: ["invalid_request", ...AUTH, "not_found"],
});

export const uploadChunkRoute = defineRoute({
  id: "uploadChunk", method: "put", path: "/api/v1/uploads/{id}", tag: "uploads", auth: DEVICE_IN_HEADER,
  summary: "Append one chunk (raw bytes) at the upload's offset",
  description: "`Content-Range: bytes <start>-<end>/<size>`; `start` must be the offset (else 416 with `details.offset`), the chunk at most `chunk_size` bytes. What arrives of an interrupted chunk is kept: ask for the offset and go on.",
  rawBody: "The chunk's bytes (application/octet-stream)",
  response: U.ZAppendResponse, errors: ["invalid_request", ...AUTH, "not_found", "conflict", "payload_too_large", "range_not_satisfiable"],
});

export const completeUploadRoute = defineRoute({
  id: "completeUpload", method: "post", path: "/api/v1/uploads/{id}/complete", tag: "uploads", auth: DEVICE_IN_HEADER,
  summary: "Verify size and sha256, store the blob and write the change devices pull",
  description: "With `attach` the record's media field is set to the blob key; without, a `blob` record is written. 422 `checksum_mismatch` keeps nothing.",
  body: U.ZCompleteRequest, response: U.ZCompleteResponse, errors: [...BODY, "not_found", "conflict", "range_not_satisfiable", "checksum_mismatch"],
});

export const presignMediaRoute = defineRoute({
  id: "presignMedia", method: "post", path: "/api/v1/media/presign", tag: "uploads", auth: DEVICE_IN_HEADER,
  summary: "A URL to PUT one media file to directly",
  description: "A presigned S3 PUT, or a signed, expiring URL on this server for the file store. Reference `key` in a media field of a record once the PUT succeeded.",
  body: U.ZPresignRequest, response: U.ZPresignResponse, errors: BODY,
});

export const mediaPutRoute = defineRoute({
  id: "mediaPut", method: "put", path: "/api/v1/media/files/{key}", tag: "uploads", auth: NO_AUTH,
  summary: "The file store's signed media upload (the URL presign answered)",
  description: "Authorised by the URL's signature (`expires`, `sig`), not a bearer token. The body must be exactly the presigned size.",
  rawBody: "The file's bytes", response: U.ZMediaPutResponse,
  errors: ["invalid_request", "forbidden", "not_found", "conflict", "payload_too_large"],
});

export const downloadBlobRoute = defineRoute({
  id: "downloadBlob", method: "get", path: "/api/v1/blobs/{key}", tag: "uploads", auth: DEVICE_IN_HEADER,
  summary: "Download a blob (Range supported)",
  description: "For devices allowed to see it: its owner, and members of streams whose records reference it. `Range: bytes=a-b` answers 206 with Content-Range; an unsatisfiable range 416.",
  binary: "The blob's bytes", response: U.ZBlob, errors: ["invalid_request", ...AUTH, "not_found", "range_not_satisfiable"],
});
