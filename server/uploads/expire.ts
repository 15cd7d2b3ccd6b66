// The upload-expiry sweep (job `upload-expiry`, server/jobs/registry.ts), in bounded batches:
//   1. open sessions past their expiry (and not being written): their partial data is removed
//      from the store, then the row;
//   2. finished sessions (completed or failed) are forgotten once expired;
//   3. presigned media never referenced by a record within UPLOAD_TTL_HOURS of its URL's expiry:
//      the object (if it was ever PUT) and the reservation are removed.
import type { Db } from "../db/client";
import { logger } from "../log";
import { recordUploadFailed } from "../metrics/registry";
import { getBlobStore } from "../storage/blob-store";
import { uploadLimits } from "./limits";
import { partialStateOf, sessionSelect } from "./sessions";

const BATCH = 100;

export type ExpiryResult = { expiredUploads: number; forgottenSessions: number; expiredMedia: number };

export async function expireUploadSessions(db: Db, now = new Date()): Promise<ExpiryResult> {
  const store = getBlobStore();
  const result: ExpiryResult = { expiredUploads: 0, forgottenSessions: 0, expiredMedia: 0 };
  // 1.
  for (;;) {
    let removed = 0;
    const rows = await db.uploadSession.findMany({
      where: { status: { in: ["open", "verified"] }, expiresAt: { lt: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      select: sessionSelect, take: BATCH, orderBy: { expiresAt: "asc" },
    });
    for (const row of rows) {
      try {
        await store.discardPartial(row.storageKey, partialStateOf(row));
      } catch (error) {
        logger.warn({ err: error, upload: row.id }, "upload-expiry: could not remove partial data; retrying next run");
        continue;
      }
      await db.uploadSession.deleteMany({ where: { id: row.id, status: row.status } });
      result.expiredUploads += 1;
      removed += 1;
    }
    if (rows.length < BATCH || removed === 0) break;
  }
  recordUploadFailed("expired", result.expiredUploads);
  // 2.
  const forgotten = await db.uploadSession.deleteMany({ where: { status: { in: ["completed", "failed"] }, expiresAt: { lt: now } } });
  result.forgottenSessions = forgotten.count;
  // 3.
  const cutoff = new Date(now.getTime() - uploadLimits().ttlMs);
  for (;;) {
    const media = await db.mediaUpload.findMany({ where: { expiresAt: { lt: cutoff } }, take: BATCH, orderBy: { expiresAt: "asc" } });
    for (const m of media) {
      const kept = await db.blob.findUnique({ where: { key: m.key }, select: { key: true } });
      if (!kept) await store.delete(m.storageKey).catch(() => undefined);
      await db.mediaUpload.delete({ where: { key: m.key } });
      result.expiredMedia += 1;
    }
    if (media.length < BATCH) break;
  }
  return result;
}
