// Every mobile route with its wire shapes and error codes: the table the OpenAPI document is built
// from (openapi.ts). The handlers in app/api/** parse with the same schemas.
import type { z } from "zod";
import type { ErrorCode } from "../errors";
import * as S from "../sync/schemas";
import * as U from "../uploads/schemas";
import { ZTusNoBody } from "../uploads/tus-schemas";
import * as W from "../watermelon/schemas";

export type MobileRoute = {
  id: string;
  method: "get" | "post" | "put" | "patch" | "delete" | "head" | "options";
  path: string;
  tag: "sync" | "verify" | "conflicts" | "watermelon" | "uploads" | "service";
  summary: string;
  description: string;
  auth: boolean;
  deviceHeader?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType;
  /** A streamed answer (Server-Sent Events) instead of JSON: its description. */
  stream?: string;
  /** The success status when not 200 (201 for a create). */
  status?: number;
  /** A raw (non-JSON) request body: its description. */
  rawBody?: string;
  /** Raw bytes answered instead of JSON: its description. */
  binary?: string;
  /** No body on success (tus: the headers carry the result): its description. */
  noBody?: string;
  errors: readonly ErrorCode[];
};

// Every authenticated route may also answer 429 (rate limits) and 503 (database busy or slow).
const AUTH: ErrorCode[] = ["unauthorized", "invalid_token", "device_revoked", "rate_limited", "unavailable"];
const BODY: ErrorCode[] = ["invalid_request", ...AUTH, "payload_too_large", "request_timeout"];
const QUERY: ErrorCode[] = ["invalid_request", ...AUTH];

export const MOBILE_ROUTES: readonly MobileRoute[] = [
  {
    id: "bootstrap", method: "post", path: "/api/v1/sync/bootstrap", tag: "sync", auth: true,
    summary: "Download a consistent snapshot in pages",
    description: "The first call freezes the snapshot; pass `cursor` for the next page. The last page (`more: false`) carries the pull `token`.",
    body: S.ZBootstrapRequest, response: S.ZBootstrapResponse, errors: [...BODY, "bootstrap_required"],
  },
  {
    id: "pull", method: "post", path: "/api/v1/sync/pull", tag: "sync", auth: true, deviceHeader: true,
    summary: "Changes after a token",
    description: "Changes in seq order per stream; a page never splits a bundle. Keep pulling while `more`.",
    body: S.ZPullRequest, response: S.ZPullResponse, errors: [...BODY, "bootstrap_required"],
  },
  {
    id: "pullGet", method: "get", path: "/api/v1/sync/pull", tag: "sync", auth: true, deviceHeader: true,
    summary: "Changes after a token (query string form)",
    description: "The same as POST /api/v1/sync/pull with `token` and `limit` in the query string.",
    query: S.ZPullRequest, response: S.ZPullResponse, errors: [...QUERY, "bootstrap_required"],
  },
  {
    id: "push", method: "post", path: "/api/v1/sync/push", tag: "sync", auth: true,
    summary: "Push a bundle of changes",
    description: "`(device_id, bundle_id)` is the idempotency key. Item errors and conflicts are reported per item.",
    body: S.ZPushRequest, response: S.ZPushResponse, errors: [...BODY, "idempotency_conflict"],
  },
  {
    id: "ack", method: "post", path: "/api/v1/sync/ack", tag: "sync", auth: true,
    summary: "Record the device's durable checkpoint",
    description: "Ack a token after durably applying the changes up to it.",
    body: S.ZAckRequest, response: S.ZAckResponse, errors: [...BODY, "bootstrap_required"],
  },
  {
    id: "verify", method: "post", path: "/api/v1/sync/verify", tag: "verify", auth: true,
    summary: "What the device must fix to match the server, one key range per page",
    description: "Send your records' checksums in key order (at most `limit`); the answer covers keys up to `until`. See docs/protocol.md \"Verify\".",
    body: S.ZVerifyRequest, response: S.ZVerifyResponse, errors: BODY,
  },
  {
    id: "checksums", method: "get", path: "/api/v1/sync/checksums", tag: "verify", auth: true, deviceHeader: true,
    summary: "Checksums of every live record, keyset-paged in key order",
    description: "`types` is a comma-separated list.",
    query: S.ZChecksumsQuery, response: S.ZChecksumsResponse, errors: QUERY,
  },
  {
    id: "fetch", method: "post", path: "/api/v1/sync/fetch", tag: "verify", auth: true, deviceHeader: true,
    summary: "Current records by key",
    description: "At most 500 keys. Deleted, unknown and foreign keys are all `missing`.",
    body: S.ZFetchRequest, response: S.ZFetchResponse, errors: BODY,
  },
  {
    id: "digest", method: "get", path: "/api/v1/sync/digest", tag: "verify", auth: true, deviceHeader: true,
    summary: "The state digest, total and per stream",
    description: "XOR of sha256(stream\\ntype\\nid\\nchecksum) over live records: compare with your own.",
    query: S.ZDigestQuery, response: S.ZDigestResponse, errors: QUERY,
  },
  {
    id: "events", method: "get", path: "/api/v1/sync/events", tag: "sync", auth: true, deviceHeader: true,
    summary: "Live updates (Server-Sent Events)",
    description: "Checked like a pull. Events: `ready` and `poke`, each with data `{\"streams\": {name: head_seq}}`; comment lines as heartbeats. Pull when poked.",
    query: S.ZEventsQuery, response: S.ZLiveEvent, errors: [...QUERY, "bootstrap_required"],
    stream: "An event stream: `event: ready` then `event: poke` with data `{\"streams\": {\"user:alice\": 42}}` whenever one of your streams advances",
  },
  {
    id: "listConflicts", method: "get", path: "/api/v1/conflicts", tag: "conflicts", auth: true, deviceHeader: true,
    summary: "The caller's conflicts, newest first",
    description: "Paged with `next_cursor`.",
    query: S.ZConflictListQuery, response: S.ZConflictPage, errors: QUERY,
  },
  {
    id: "resolveConflict", method: "post", path: "/api/v1/conflicts/{id}/resolve", tag: "conflicts", auth: true, deviceHeader: true,
    summary: "Resolve a stored conflict",
    description: "`data` (the full record data) is required for `manual_merge`.",
    body: S.ZResolveRequest, response: S.ZResolveResponse, errors: [...BODY, "not_found", "conflict"],
  },
  {
    id: "watermelonPull", method: "get", path: "/api/v1/watermelon/sync", tag: "watermelon", auth: true, deviceHeader: true,
    summary: "WatermelonDB pull: changes since last_pulled_at",
    description: "WatermelonDB's sync protocol over the user's stream; `timestamp` is a stream position. See docs/watermelondb.md.",
    query: W.ZWatermelonPullQuery, response: W.ZWatermelonPullResponse, errors: [...QUERY, "bootstrap_required"],
  },
  {
    id: "watermelonPush", method: "post", path: "/api/v1/watermelon/sync", tag: "watermelon", auth: true, deviceHeader: true,
    summary: "WatermelonDB push: all changes or none",
    description: "409 if a record changed on the server since `last_pulled_at`; a retry of the same push is answered like the first.",
    query: W.ZWatermelonPushQuery, body: W.ZWatermelonChanges, response: W.ZWatermelonPushResponse, errors: [...BODY, "conflict"],
  },
  {
    id: "createUpload", method: "post", path: "/api/v1/uploads", tag: "uploads", auth: true, deviceHeader: true, status: 201,
    summary: "Start a resumable upload",
    description: "Answers 201 with `upload_url` (PUT the chunks there), `chunk_size` (the largest chunk) and `expires_at`. See docs/protocol.md \"Uploads\".",
    body: U.ZCreateUploadRequest, response: U.ZUploadInfo, errors: BODY,
  },
  {
    id: "uploadStatus", method: "get", path: "/api/v1/uploads/{id}", tag: "uploads", auth: true, deviceHeader: true,
    summary: "An upload's offset (where to resume), size, status and expiry",
    description: "Never cached. Another user's upload is 404 like an unknown or expired one.",
    response: U.ZUploadInfo, errors: ["invalid_request", ...AUTH, "not_found"],
  },
  {
    id: "uploadChunk", method: "put", path: "/api/v1/uploads/{id}", tag: "uploads", auth: true, deviceHeader: true,
    summary: "Append one chunk (raw bytes) at the upload's offset",
    description: "`Content-Range: bytes <start>-<end>/<size>`; `start` must be the offset (else 416 with `details.offset`), the chunk at most `chunk_size` bytes. What arrives of an interrupted chunk is kept: ask for the offset and go on.",
    rawBody: "The chunk's bytes (application/octet-stream)",
    response: U.ZAppendResponse, errors: ["invalid_request", ...AUTH, "not_found", "conflict", "payload_too_large", "range_not_satisfiable"],
  },
  {
    id: "completeUpload", method: "post", path: "/api/v1/uploads/{id}/complete", tag: "uploads", auth: true, deviceHeader: true,
    summary: "Verify size and sha256, store the blob and write the change devices pull",
    description: "With `attach` the record's media field is set to the blob key; without, a `blob` record is written. 422 `checksum_mismatch` keeps nothing.",
    body: U.ZCompleteRequest, response: U.ZCompleteResponse, errors: [...BODY, "not_found", "conflict", "range_not_satisfiable", "checksum_mismatch"],
  },
  {
    id: "presignMedia", method: "post", path: "/api/v1/media/presign", tag: "uploads", auth: true, deviceHeader: true,
    summary: "A URL to PUT one media file to directly",
    description: "A presigned S3 PUT, or a signed, expiring URL on this server for the file store. Reference `key` in a media field of a record once the PUT succeeded.",
    body: U.ZPresignRequest, response: U.ZPresignResponse, errors: BODY,
  },
  {
    id: "mediaPut", method: "put", path: "/api/v1/media/files/{key}", tag: "uploads", auth: false,
    summary: "The file store's signed media upload (the URL presign answered)",
    description: "Authorised by the URL's signature (`expires`, `sig`), not a bearer token. The body must be exactly the presigned size.",
    rawBody: "The file's bytes", response: U.ZMediaPutResponse,
    errors: ["invalid_request", "forbidden", "not_found", "conflict", "payload_too_large"],
  },
  {
    id: "downloadBlob", method: "get", path: "/api/v1/blobs/{key}", tag: "uploads", auth: true, deviceHeader: true,
    summary: "Download a blob (Range supported)",
    description: "For devices allowed to see it: its owner, and members of streams whose records reference it. `Range: bytes=a-b` answers 206 with Content-Range; an unsatisfiable range 416.",
    binary: "The blob's bytes", response: U.ZBlob, errors: ["invalid_request", ...AUTH, "not_found", "range_not_satisfiable"],
  },
  // tus 1.0 (docs/protocol.md "tus"): statuses as tus defines them (also 412 without Tus-Resumable,
  // 423 busy, 460 checksum); error bodies are the envelope.
  {
    id: "tusOptions", method: "options", path: "/api/v1/tus", tag: "uploads", auth: false, status: 204,
    summary: "tus discovery: version, extensions, maximum size",
    description: "Tus-Version, Tus-Extension (creation, creation-with-upload, creation-defer-length, termination, expiration) and Tus-Max-Size headers.",
    noBody: "Capabilities in headers", response: ZTusNoBody, errors: [],
  },
  {
    id: "tusCreate", method: "post", path: "/api/v1/tus", tag: "uploads", auth: true, deviceHeader: true, status: 201,
    summary: "tus: create an upload (optionally with its first bytes)",
    description: "`Tus-Resumable: 1.0.0`, `Upload-Length` (or `Upload-Defer-Length: 1`), `Upload-Metadata` (`filename`, `filetype`, `sha256`, `attach_type`/`attach_id`/`attach_field`/`attach_stream`). Answers `Location`.",
    noBody: "The upload URL in Location", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "payload_too_large", "not_found", "conflict"],
  },
  {
    id: "tusHead", method: "head", path: "/api/v1/tus/{id}", tag: "uploads", auth: true, deviceHeader: true,
    summary: "tus: where to resume (Upload-Offset)",
    description: "Upload-Offset, Upload-Length, Upload-Metadata; Upload-Blob-Key once the upload is a blob. Another user's upload is 404 like an unknown one.",
    noBody: "Offset and length in headers", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "not_found"],
  },
  {
    id: "tusPatch", method: "patch", path: "/api/v1/tus/{id}", tag: "uploads", auth: true, deviceHeader: true, status: 204,
    summary: "tus: append bytes at Upload-Offset",
    description: "`Content-Type: application/offset+octet-stream`. 409 when Upload-Offset is not the upload's offset. The PATCH that completes the upload stores the blob (Upload-Blob-Key).",
    rawBody: "The bytes from Upload-Offset on (application/offset+octet-stream)",
    noBody: "The new offset in Upload-Offset", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "not_found", "conflict", "payload_too_large", "checksum_mismatch"],
  },
  {
    id: "tusDelete", method: "delete", path: "/api/v1/tus/{id}", tag: "uploads", auth: true, deviceHeader: true, status: 204,
    summary: "tus: terminate an unfinished upload",
    description: "Deletes the bytes and the upload. A finished upload (a blob) cannot be terminated (400).",
    noBody: "Terminated", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "not_found"],
  },
  {
    id: "health", method: "get", path: "/api/health", tag: "service", auth: false,
    summary: "Liveness and database reachability",
    description: "For load balancers.",
    response: S.ZHealthResponse, errors: ["unavailable"],
  },
];
