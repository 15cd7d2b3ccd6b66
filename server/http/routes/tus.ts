// tus 1.0 (docs/protocol.md "tus"): statuses as tus defines them (also 412 without Tus-Resumable,
// 423 busy, 460 checksum); error bodies are the envelope.
import { ZTusNoBody } from "../../uploads/tus-schemas";
import { defineRoute } from "../route-definition";
import { AUTH, DEVICE_IN_HEADER, NO_AUTH } from "./common";

export const tusOptionsRoute = defineRoute({
  id: "tusOptions", method: "options", path: "/api/v1/tus", tag: "uploads", auth: NO_AUTH, status: 204,
  summary: "tus discovery: version, extensions, maximum size",
  description: "Tus-Version, Tus-Extension (creation, creation-with-upload, creation-defer-length, termination, expiration) and Tus-Max-Size headers.",
  noBody: "Capabilities in headers", response: ZTusNoBody, errors: [],
});

/** The same discovery on an upload's URL (tus clients and browsers' CORS preflights ask there). */
export const tusOptionsUploadRoute = defineRoute({
  id: "tusOptionsUpload", method: "options", path: "/api/v1/tus/{id}", tag: "uploads", auth: NO_AUTH, status: 204,
  summary: "tus discovery on an upload's URL",
  description: "The same capabilities as OPTIONS /api/v1/tus; no authentication (CORS preflights carry none).",
  noBody: "Capabilities in headers", response: ZTusNoBody, errors: [],
});

export const tusCreateRoute = defineRoute({
  id: "tusCreate", method: "post", path: "/api/v1/tus", tag: "uploads", auth: DEVICE_IN_HEADER, status: 201,
  summary: "tus: create an upload (optionally with its first bytes)",
  description: "`Tus-Resumable: 1.0.0`, `Upload-Length` (or `Upload-Defer-Length: 1`), `Upload-Metadata` (`filename`, `filetype`, `sha256`, `attach_type`/`attach_id`/`attach_field`/`attach_stream`). Answers `Location`.",
  noBody: "The upload URL in Location", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "payload_too_large", "not_found", "conflict"],
});

export const tusHeadRoute = defineRoute({
  id: "tusHead", method: "head", path: "/api/v1/tus/{id}", tag: "uploads", auth: DEVICE_IN_HEADER,
  summary: "tus: where to resume (Upload-Offset)",
  description: "Upload-Offset, Upload-Length, Upload-Metadata; Upload-Blob-Key once the upload is a blob. Another user's upload is 404 like an unknown one.",
  noBody: "Offset and length in headers", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "not_found"],
});

export const tusPatchRoute = defineRoute({
  id: "tusPatch", method: "patch", path: "/api/v1/tus/{id}", tag: "uploads", auth: DEVICE_IN_HEADER, status: 204,
  summary: "tus: append bytes at Upload-Offset",
  description: "`Content-Type: application/offset+octet-stream`. 409 when Upload-Offset is not the upload's offset. The PATCH that completes the upload stores the blob (Upload-Blob-Key).",
  rawBody: "The bytes from Upload-Offset on (application/offset+octet-stream)",
  noBody: "The new offset in Upload-Offset", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "not_found", "conflict", "payload_too_large", "checksum_mismatch"],
});

export const tusDeleteRoute = defineRoute({
  id: "tusDelete", method: "delete", path: "/api/v1/tus/{id}", tag: "uploads", auth: DEVICE_IN_HEADER, status: 204,
  summary: "tus: terminate an unfinished upload",
  description: "Deletes the bytes and the upload. A finished upload (a blob) cannot be terminated (400).",
  noBody: "Terminated", response: ZTusNoBody, errors: ["invalid_request", ...AUTH, "not_found"],
});
