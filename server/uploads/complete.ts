// Completing a resumable upload (PROTOCOL.md "Uploads"):
//   1. every byte must have arrived (416 with the offset otherwise);
//   2. claim the session, assemble the partial data into one object, and hash it: the running
//      sha256 of the chunks this process stored (running-hash.ts) when it covers every byte, else
//      the stored bytes read back (chunks that went to other instances, or before a restart);
//   3. a sha256 other than the client's (or the one declared at creation) is 422 and removes
//      everything: the bytes, the partial data, and the session can never complete;
//   4. otherwise finishUpload writes the blob row and the change devices pull, in one transaction.
//      Should that fail (e.g. the record to attach to is gone), the verified bytes stay and the
//      client may complete again with another `attach`.
import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";
import { recordUploadCompleted, recordUploadFailed } from "../metrics/registry";
import { getBlobStore, iterateStream, withStorage } from "../storage/blob-store";
import { finishUpload, type FinishedUpload } from "./finish";
import { claimSession, keepLease, releaseSession } from "./lease";
import { takeRunningHash } from "./running-hash";
import type { TCompleteRequest } from "@syncdesk/protocol";
import { getUploadSessionOrThrow, partialStateOf } from "./sessions";

async function sha256Of(key: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of iterateStream(await getBlobStore().read(key))) hash.update(chunk);
  return hash.digest("hex");
}

export async function completeUpload(db: Db, caller: Caller, id: string, request: TCompleteRequest): Promise<FinishedUpload> {
  const session = await getUploadSessionOrThrow(db, caller, id);
  if (session.status === "completed") {
    throw new AppError("conflict", "The upload is already complete", { blob_key: session.blobKey });
  }
  if (session.status === "failed") throw new AppError("conflict", "The upload failed its checksum; start a new one", { status: "failed" });
  // 1.
  if (session.offset !== session.size) {
    throw new AppError("range_not_satisfiable", `Only ${session.offset} of ${session.size} bytes arrived`, { offset: Number(session.offset) });
  }
  // 2.
  const lease = await claimSession(db, session, Number(session.size), ["open", "verified"]);
  const store = getBlobStore();
  const size = Number(lease.row.size);
  const stopRenewing = keepLease(db, lease);
  try {
    if (lease.row.status === "open") {
      const state = partialStateOf(lease.row);
      const running = takeRunningHash(lease.row.id, lease.row.storageKey, size);
      const actual = await withStorage("complete", async () => {
        await store.finishPartial(lease.row.storageKey, state, size);
        // A hash lost with its worker (hash-worker.ts) is made up for by reading the bytes back.
        return running ? running.digest().catch(() => sha256Of(lease.row.storageKey)) : sha256Of(lease.row.storageKey);
      }).finally(stopRenewing);
      // 3.
      const expected = [request.sha256, lease.row.expectedSha256].filter((s): s is string => s !== null);
      if (expected.some((s) => s !== actual)) {
        await withStorage("discard", () => store.discardPartial(lease.row.storageKey, state));
        await releaseSession(db, lease, { status: "failed" });
        recordUploadFailed("checksum_mismatch");
        throw new AppError("checksum_mismatch", "The uploaded bytes do not match the sha256", { sha256: `sha256:${actual}` });
      }
      // Verified bytes survive a failing step 4: a retry skips straight to it.
      await db.uploadSession.updateMany({ where: { id: lease.row.id, leaseUntil: lease.token }, data: { status: "verified", expectedSha256: actual } });
    } else if (request.sha256 !== lease.row.expectedSha256) {
      throw new AppError("checksum_mismatch", "The sha256 differs from the uploaded bytes'", { sha256: `sha256:${lease.row.expectedSha256}` });
    }
    // 4.
    const finished = await finishUpload(db, caller, {
      storageKey: lease.row.storageKey, size, sha256: request.sha256, contentType: lease.row.contentType,
      filename: lease.row.filename, attach: request.attach,
    });
    await releaseSession(db, lease, { status: "completed", blobKey: finished.blob.key });
    recordUploadCompleted("resumable");
    return finished;
  } finally {
    await stopRenewing();
    // A failure anywhere above leaves the session claimable again at once.
    await db.uploadSession.updateMany({ where: { id: lease.row.id, leaseUntil: lease.token }, data: { leaseUntil: null } });
  }
}
