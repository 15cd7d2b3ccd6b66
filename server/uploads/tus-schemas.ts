// Wire facts of the tus endpoint for the OpenAPI table (server/http/mobile-routes.ts): tus answers
// carry their results in headers, never in a JSON body (errors excepted: the envelope).
import { z } from "zod";

/** A tus success has no body. */
export const ZTusNoBody = z.null();

/** Upload-Metadata keys read by the server (values base64 per tus); others are ignored. */
export const TUS_METADATA_KEYS = ["filename", "filetype", "sha256", "attach_type", "attach_id", "attach_field", "attach_stream"] as const;
