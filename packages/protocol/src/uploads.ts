// Wire shapes of uploads, media and blobs (PROTOCOL.md "Uploads", docs/protocol.md "Uploads"):
// the routes, the OpenAPI table and the client use these. snake_case on the wire.
import { z } from "zod";
import { ZBlobKey } from "./blob";
import { ZRecord, ZStreamName } from "./sync";

/** `sha256:<64 hex>` (a bare hex digest is accepted too); normalised to lowercase hex. */
export const ZSha256 = z
  .string()
  .regex(/^(sha256:)?[0-9a-fA-F]{64}$/, "must be sha256:<64 hex digits>")
  .transform((s) => s.replace(/^sha256:/, "").toLowerCase());
const ZFilename = z.string().trim().min(1).max(255).refine((s) => !/[\u0000-\u001f/\\]/.test(s), "must not contain slashes or control characters");
const ZContentType = z.string().trim().min(1).max(200).regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, "not a media type");
const ZUploadStatus = z.enum(["open", "completed", "failed"]);

export const ZCreateUploadRequest = z.strictObject({
  filename: ZFilename,
  size: z.number().int().min(0),
  content_type: ZContentType.optional(),
  sha256: ZSha256.optional(),
});
export type TCreateUploadRequest = z.infer<typeof ZCreateUploadRequest>;

export const ZUploadInfo = z.object({
  upload_id: z.uuid(),
  chunk_size: z.number().int(),
  offset: z.number().int(),
  size: z.number().int(),
  status: ZUploadStatus,
  upload_url: z.string(),
  expires_at: z.string(),
  blob_key: ZBlobKey.optional(),
});
export type TUploadInfo = z.infer<typeof ZUploadInfo>;

export const ZAppendResponse = z.object({ upload_id: z.uuid(), offset: z.number().int(), ok: z.literal(true) });
export type TAppendResponse = z.infer<typeof ZAppendResponse>;

export const ZAttach = z.strictObject({
  type: z.string().min(1).max(64),
  id: z.string().min(1).max(200),
  field: z.string().min(1).max(100),
  /** Which of the caller's streams holds the record (default: the first that has it). */
  stream: ZStreamName.optional(),
});
export type TAttach = z.infer<typeof ZAttach>;

export const ZCompleteRequest = z.strictObject({ sha256: ZSha256, attach: ZAttach.optional() });
export type TCompleteRequest = z.infer<typeof ZCompleteRequest>;

export const ZBlob = z.object({
  key: ZBlobKey,
  size: z.number().int(),
  sha256: z.string().nullable(),
  content_type: z.string(),
  filename: z.string(),
  stream: z.string(),
  url: z.string(),
  created_at: z.string(),
});
export type TBlob = z.infer<typeof ZBlob>;

export const ZCompleteResponse = z.object({ blob: ZBlob, record: ZRecord });
export type TCompleteResponse = z.infer<typeof ZCompleteResponse>;

export const ZPresignRequest = z.strictObject({ filename: ZFilename, content_type: ZContentType, size: z.number().int().min(0) });
export type TPresignRequest = z.infer<typeof ZPresignRequest>;

export const ZPresignResponse = z.object({
  method: z.literal("PUT"),
  upload_url: z.string(),
  key: ZBlobKey,
  headers: z.record(z.string(), z.string()),
  expires_at: z.string(),
});
export type TPresignResponse = z.infer<typeof ZPresignResponse>;

/** The data of a `blob` record (what devices pull after an upload without `attach`). */
export const ZMediaPutResponse = z.object({ key: ZBlobKey, size: z.number().int() });
export type TMediaPutResponse = z.infer<typeof ZMediaPutResponse>;
