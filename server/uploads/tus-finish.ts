// A finished tus upload becomes a blob through the same path as every upload (finishUpload):
//   1. take the upload's lock (tus has released its own by now), so a PATCH's completion and a
//      HEAD's retry of it never both create a blob;
//   2. if the upload already became a blob, answer that blob;
//   3. hash the stored bytes (streamed through the BlobStore) and check the size;
//   4. a `sha256` given in the metadata must match: otherwise the upload is discarded (460);
//   5. finishUpload: the blob row and the change devices pull (attached field or `blob` record);
//   6. remember the blob on the tus upload.
import { createHash } from "node:crypto";
import type { DataStore, Locker } from "@tus/utils";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { recordUploadCompleted, recordUploadFailed } from "../metrics/registry";
import type { Caller } from "../auth/caller";
import { getBlobStore } from "../storage/blob-store";
import { finishUpload } from "./finish";
import { deleteTusSession, getOwnedTusSessionOrThrow, markTusSessionFinished } from "./tus-sessions";

export type TusFinishContext = { db: Db; caller: Caller; locker: Locker; store: DataStore };

async function hashStored(storageKey: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const body = await getBlobStore().read(storageKey);
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

/** Turns the caller's finished tus upload `id` into a blob (once); returns the blob key. */
export async function completeTusUpload(ctx: TusFinishContext, id: string): Promise<string> {
  const { db, caller } = ctx;
  const first = await getOwnedTusSessionOrThrow(db, caller, id);
  // 1.
  const lock = ctx.locker.newLock(first.storageKey);
  await lock.lock(new AbortController().signal, () => {});
  try {
    // 2.
    const session = await getOwnedTusSessionOrThrow(db, caller, id);
    if (session.blobKey) return session.blobKey;
    // 3.
    const stored = await hashStored(session.storageKey);
    if (session.size !== null && stored.size !== session.size) {
      throw new AppError("conflict", `The upload holds ${stored.size} of ${session.size} bytes`);
    }
    // 4.
    const { metadata } = session;
    if (metadata.sha256 && metadata.sha256 !== stored.sha256) {
      await ctx.store.remove(session.storageKey).catch(() => undefined);
      await deleteTusSession(db, id);
      recordUploadFailed("checksum_mismatch");
      throw new AppError("checksum_mismatch", "The uploaded bytes do not match the sha256 in Upload-Metadata; the upload was discarded");
    }
    // 5.
    const finished = await finishUpload(db, caller, {
      storageKey: session.storageKey,
      size: stored.size,
      sha256: stored.sha256,
      filename: metadata.filename,
      ...(metadata.contentType ? { contentType: metadata.contentType } : {}),
      ...(metadata.attach ? { attach: metadata.attach } : {}),
    });
    // 6.
    await markTusSessionFinished(db, id, finished.blob.key, stored.size);
    recordUploadCompleted("tus");
    return finished.blob.key;
  } finally {
    await lock.unlock();
  }
}
