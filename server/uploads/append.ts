// A chunk PUT of a resumable upload (PROTOCOL.md "Uploads"):
//   1. parse Content-Range; its size must be the session's and the chunk at most chunk_size;
//   2. claim the session at `start` (416 with the offset when the upload continues elsewhere);
//      the usual chunk does 1 and 2 in one statement (each round trip here delays every chunk);
//   3. stream the body into the store's partial data (never buffered whole);
//   4. save the new offset: everything that arrived is kept, also when the client went away
//      mid-body, so the client resumes from GET's offset; a body longer than its range is refused
//      and nothing of it is kept;
//   5. each chunk moves the session's expiry (UPLOAD_TTL_HOURS after the last activity);
//   6. the running sha256 (running-hash.ts) is kept when it covers exactly the saved offset.
import { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";
import { recordUploadBytes } from "../metrics/registry";
import { getBlobStore, partialGarbage, withStorage, type AppendResult } from "../storage/blob-store";
import { chunkBodyOf } from "./chunk-body";
import { BodyTooLong, parseContentRange, type ChunkRange } from "./content-range";
import { claimOwnSession, claimSession, keepLease, releaseSession } from "./lease";
import { uploadLimits } from "./limits";
import { hashTap, keepRunningHash, takeRunningHash } from "./running-hash";
import type { TAppendResponse } from "@syncdesk/protocol";
import { getUploadSessionOrThrow, partialStateOf, type SessionRow } from "./sessions";

/** A chunk's body may pause this long between bytes before the PUT counts as interrupted. */
const IDLE_MS = 60_000;

export async function appendChunk(db: Db, caller: Caller, id: string, request: Request): Promise<TAppendResponse> {
  const limits = uploadLimits();
  // 1.
  const range = parseContentRange(request.headers.get("content-range"));
  // 2. The usual chunk claims its session in one statement; anything else is looked up first, so
  // its answer (404, 409, 400, 413, 416) is as before.
  let lease = ZUuid.safeParse(id).success ? await claimOwnSession(db, caller.userId, id, range.start) : null;
  if (lease) {
    try {
      checkChunk(lease.row, range, request, limits);
    } catch (error) {
      await releaseSession(db, lease);
      throw error;
    }
  } else {
    const session = await getUploadSessionOrThrow(db, caller, id);
    checkChunk(session, range, request, limits);
    lease = await claimSession(db, session, range.start);
  }
  const length = range.end - range.start + 1;
  const store = getBlobStore();
  const before = partialStateOf(lease.row);
  const hash = takeRunningHash(lease.row.id, lease.row.storageKey, range.start);
  const hashed = { bytes: 0 };
  // 3.
  let result: AppendResult;
  const stopRenewing = keepLease(db, lease);
  try {
    const body = chunkBodyOf(request, IDLE_MS, length, hash ? hashTap(hash, hashed) : undefined);
    result = await withStorage("append", () => store.appendPartial(lease.row.storageKey, before, { offset: range.start, total: range.total, body }));
  } catch (error) {
    await stopRenewing();
    hash?.drop();
    await releaseSession(db, lease); // nothing saved: the chunk may be sent again at once
    throw error;
  }
  await stopRenewing();
  // 4.
  const rejected = result.error instanceof BodyTooLong;
  const saved = rejected
    ? await releaseSession(db, lease)
    : await releaseSession(db, lease, {
        offset: BigInt(result.offset),
        storeState: result.state,
        // 5.
        expiresAt: new Date(Date.now() + limits.ttlMs),
      });
  // 6. Every byte hashed was stored (a store keeps a prefix of what it was given).
  if (saved && !rejected && hash && hashed.bytes === result.offset - range.start) {
    keepRunningHash(lease.row.id, lease.row.storageKey, result.offset, hash, limits.ttlMs);
  } else {
    hash?.drop(); // the worker forgets it (completion reads the bytes back instead)
  }
  for (const key of partialGarbage(before, result.state, saved && !rejected)) await store.delete(key).catch(() => undefined);
  if (rejected) throw new AppError("invalid_request", "The body is longer than its Content-Range", { offset: range.start });
  if (!saved) throw new AppError("conflict", "The upload was taken over by another request; ask for its offset", { offset: range.start });
  recordUploadBytes(result.offset - range.start);
  if (result.error) {
    // The client is usually gone; what arrived is kept and the offset says where to go on.
    throw new AppError("invalid_request", "The body was interrupted; continue at the offset", { offset: result.offset });
  }
  if (result.offset !== range.end + 1) {
    throw new AppError("invalid_request", `The body ended after ${result.offset - range.start} of ${length} bytes; continue at the offset`, { offset: result.offset });
  }
  return { upload_id: lease.row.id, offset: result.offset, ok: true };
}

const ZUuid = z.uuid();

/** The chunk fits its session: open, the same size, at most chunk_size, its Content-Length. */
function checkChunk(session: SessionRow, range: ChunkRange, request: Request, limits: ReturnType<typeof uploadLimits>): void {
  if (session.status !== "open") throw new AppError("conflict", `The upload is ${session.status}`, { status: session.status });
  if (range.total !== Number(session.size)) {
    throw new AppError("invalid_request", `Content-Range size must be the upload's size, ${session.size}`, {
      fields: [{ field: "Content-Range", message: "size differs from the upload's" }],
    });
  }
  const length = range.end - range.start + 1;
  if (length > limits.chunkBytes) {
    throw new AppError("payload_too_large", `A chunk is at most ${limits.chunkBytes} bytes`, { limit: limits.chunkBytes });
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) !== length) {
    throw new AppError("invalid_request", "Content-Length differs from the Content-Range length");
  }
}
