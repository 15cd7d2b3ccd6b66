// Resumable uploads (PROTOCOL.md "Uploads"), in the order the protocol runs them:
//   1. hash the file (sha256, read chunk by chunk) unless the caller knows it;
//   2. resume the unfinished upload of the same file (kept in storage, so an app restart resumes
//      it too) if the server still has it, else open one and store it before sending any byte;
//   3. PUT chunks with Content-Range from the server's offset; after any failure (no answer, 5xx,
//      416, a chunk cut short, a lease held by an earlier request) ask the offset (GET) and go on
//      from there, giving up after `retry.attempts` failures in a row;
//   4. complete with the sha256 (and `attach`); an answer lost after the server completed shows as
//      409 with the blob key when the completion is sent again;
//   5. forget the stored upload.
import type { SyncContext } from "./context";
import { SyncError } from "./http";
import { backoffDelay, withRetry } from "./retry";
import { Sha256 } from "./sha256";
import type { PendingUpload } from "./types";
import { ZAppendResponse, ZCompleteResponse, ZUploadInfo, type TAttach, type TRecord, type TUploadInfo } from "./wire";

/** The file: its size and a reader of byte ranges (a whole Uint8Array: `bytesSource`). */
export type UploadSource = { size: number; read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> };

export const bytesSource = (bytes: Uint8Array): UploadSource => ({
  size: bytes.length,
  read: async (start, end) => bytes.slice(start, end),
});

export type UploadOptions = {
  filename: string;
  contentType?: string;
  /** Put the blob key into this record field on completion (a temp id is mapped first). */
  attach?: TAttach;
  /** Bytes per PUT; at most the server's chunk_size (the default). */
  chunkSize?: number;
  /** The file's sha256 as 64 hex digits, if already known (skips hashing). */
  sha256?: string;
  onProgress?: (sent: number, size: number) => void;
};

export type UploadResult = { upload_id: string; blob_key: string; sha256: string; resumed: boolean; record: TRecord | null };

const UPLOADS = "/api/v1/uploads";

export async function uploadFile(ctx: SyncContext, source: UploadSource, options: UploadOptions, resolveId: (id: string) => Promise<string>): Promise<UploadResult> {
  const attach = options.attach ? { ...options.attach, id: await resolveId(options.attach.id) } : undefined;
  if (attach?.id.startsWith("tmp-")) throw new Error(`uploadFile: ${attach.type} ${attach.id} is not on the server yet; sync first`);
  // 1.
  const sha256 = options.sha256?.toLowerCase() ?? (await hashSource(source, options.chunkSize ?? 1 << 20));
  const key = `${sha256}:${source.size}:${options.filename}`;
  // 2.
  let info = await resumable(ctx, key);
  const resumed = info !== null;
  if (!info) {
    const body = { filename: options.filename, size: source.size, sha256: `sha256:${sha256}`, ...(options.contentType ? { content_type: options.contentType } : {}) };
    info = await withRetry(() => ctx.transport.send("POST", UPLOADS, JSON.stringify(body), ZUploadInfo), ctx.retry, ctx.sleep);
    const pending: PendingUpload = { upload_id: info.upload_id, size: source.size, sha256, filename: options.filename, created_at: new Date().toISOString() };
    await remember(ctx, key, pending);
  }
  // 3.
  if (info.status === "open") await sendChunks(ctx, source, info, Math.min(options.chunkSize ?? info.chunk_size, info.chunk_size), options.onProgress);
  // 4.
  const id = info.upload_id;
  const completion = { sha256: `sha256:${sha256}`, ...(attach ? { attach } : {}) };
  let record: TRecord | null = null;
  let blobKey: string;
  try {
    const done = await withRetry(() => ctx.transport.send("POST", `${UPLOADS}/${id}/complete`, JSON.stringify(completion), ZCompleteResponse), ctx.retry, ctx.sleep);
    record = done.record;
    blobKey = done.blob.key;
  } catch (error) {
    const known = error instanceof SyncError && error.status === 409 ? error.details.blob_key : undefined;
    if (typeof known !== "string") throw error;
    blobKey = known; // completed by an earlier attempt whose answer was lost
  }
  // 5.
  await forget(ctx, key);
  return { upload_id: id, blob_key: blobKey, sha256, resumed, record };
}

async function hashSource(source: UploadSource, step: number): Promise<string> {
  const hash = new Sha256();
  for (let at = 0; at < source.size; at += step) hash.update(await source.read(at, Math.min(at + step, source.size)));
  return hash.hex();
}

/** The stored upload of this file, with the server's current state; null if there is none left. */
async function resumable(ctx: SyncContext, key: string): Promise<TUploadInfo | null> {
  const stored = (await ctx.storage.getMeta()).uploads?.[key];
  if (!stored) return null;
  try {
    const info = await withRetry(() => ctx.transport.send("GET", `${UPLOADS}/${stored.upload_id}`, undefined, ZUploadInfo), ctx.retry, ctx.sleep);
    if (info.status !== "failed") return info;
  } catch (error) {
    if (!(error instanceof SyncError && error.status === 404)) throw error; // expired and swept
  }
  await forget(ctx, key);
  return null;
}

async function sendChunks(ctx: SyncContext, source: UploadSource, info: TUploadInfo, chunk: number, onProgress?: (sent: number, size: number) => void): Promise<void> {
  let offset = info.offset;
  for (let failures = 0; offset < source.size; ) {
    const end = Math.min(offset + chunk, source.size);
    try {
      const bytes = await source.read(offset, end);
      const answer = await ctx.transport.send("PUT", info.upload_url, bytes, ZAppendResponse, { "content-range": `bytes ${offset}-${end - 1}/${source.size}` });
      offset = answer.offset;
      failures = 0;
      onProgress?.(offset, source.size);
    } catch (error) {
      if (!(error instanceof SyncError) || !resumableFailure(error) || ++failures >= ctx.retry.attempts) throw error;
      if (error.retryable) await ctx.sleep(Math.max(backoffDelay(ctx.retry, failures - 1), error.retryAfterMs ?? 0));
      const current = await withRetry(() => ctx.transport.send("GET", `${UPLOADS}/${info.upload_id}`, undefined, ZUploadInfo), ctx.retry, ctx.sleep);
      if (current.status !== "open") return; // completed (or failed): the completion step says which
      offset = current.offset;
    }
  }
}

/** Failures after which the server's offset tells where to go on. */
function resumableFailure(error: SyncError): boolean {
  return error.retryable || error.status === 416 || error.status === 409 || (error.status === 400 && typeof error.details.offset === "number");
}

async function remember(ctx: SyncContext, key: string, pending: PendingUpload): Promise<void> {
  await ctx.exclusive(async () => {
    const uploads = (await ctx.storage.getMeta()).uploads ?? {};
    await ctx.storage.write({ meta: { uploads: { ...uploads, [key]: pending } } });
  });
}

async function forget(ctx: SyncContext, key: string): Promise<void> {
  await ctx.exclusive(async () => {
    const { [key]: _, ...rest } = (await ctx.storage.getMeta()).uploads ?? {};
    await ctx.storage.write({ meta: { uploads: rest } });
  });
}
