// The tus part of the upload-expiry job (server/jobs/registry.ts): unfinished tus uploads past
// their expiry lose their bytes and their row, in bounded batches. tus itself already answers
// 410 for them (its expiry is the same UPLOAD_TTL_HOURS from creation), so none is being written.
import type { Db } from "../db/client";
import { recordUploadFailed } from "../metrics/registry";
import { expireTusUploads } from "./tus-sessions";

const BATCH = 200;

export async function sweepExpiredTusUploads(db: Db, now = new Date()): Promise<{ expiredTusUploads: number }> {
  // Loaded here, not at start-up: the job registry is, and tus's stores weigh megabytes.
  const { getTusDataStore } = await import("./tus-store");
  const store = getTusDataStore();
  let total = 0;
  for (;;) {
    const { expiredTusUploads } = await expireTusUploads(db, store, now, BATCH);
    total += expiredTusUploads;
    if (expiredTusUploads < BATCH) {
      recordUploadFailed("expired", total);
      return { expiredTusUploads: total };
    }
  }
}
