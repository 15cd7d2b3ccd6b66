// Blobs as the engine sees them: the key a media field holds, and the data of the built-in `blob`
// type that an upload without a record to attach to writes (server/uploads/finish.ts).
import { z } from "zod";

/** A blob key, what records reference: `b_` and 22 url-safe characters. */
export const ZBlobKey = z.string().regex(/^b_[A-Za-z0-9_-]{22}$/, "not a blob key");

export const ZBlobRecordData = z.strictObject({
  key: ZBlobKey,
  filename: z.string().max(255),
  content_type: z.string().max(200),
  size: z.number().int().min(0),
  sha256: z.string().nullable(),
});
