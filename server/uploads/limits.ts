// Upload limits from the configuration (server/env.ts).
import { env } from "../env";

export type UploadLimits = { maxBytes: number; chunkBytes: number; ttlMs: number };

export function uploadLimits(): UploadLimits {
  const config = env();
  return { maxBytes: config.UPLOAD_MAX_BYTES, chunkBytes: config.UPLOAD_CHUNK_BYTES, ttlMs: config.UPLOAD_TTL_HOURS * 3_600_000 };
}
