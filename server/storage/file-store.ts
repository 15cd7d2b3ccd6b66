// The local file store: one file per key under `root` (DATA_DIR/blobs by default). Partial upload
// data is the object's own file, written at the offset each chunk starts at, so a chunk repeated
// after an interruption overwrites instead of duplicating. Several app instances need `root` on a
// shared volume (docs/protocol.md "Uploads").
//
// An append is on disk (fdatasync, and the directory entry of a new file synced) before it
// returns: the caller then saves the new offset, and a client resumes from an acknowledged offset
// even after a power loss.
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { randomUUID } from "node:crypto";
import type { AppendInput, AppendResult, BlobStore, ByteRange, PartialState } from "./blob-store";
import { DIRECT_ALIGN, STAGING_BYTES, openDirect } from "./direct-writes";

/**
 * A request body arrives in pieces of at most 64 KiB; they are gathered into writes of this size
 * (one pwritev each), the next gathered while one is written. Memory per append: two batches
 * (direct writes: up to a staging buffer each, direct-writes.ts).
 * Small enough that little is left to write when the body ends (1 MiB left ~3 ms of an 8 MiB
 * chunk's acknowledgement waiting for its last writes; bench/profiles/2026-12-05-uploads.md).
 */
const WRITE_BYTES = 2 ** 18;
/** A body that sends nothing for this long has what it sent written (not kept back for a batch). */
const IDLE_FLUSH_MS = 20;
/**
 * Every this many bytes written, a sync starts while the body still arrives: the disk works in
 * parallel, and the sync before the append returns has less left to do.
 */
const SYNC_BYTES = 2 * 2 ** 20;

/** Writes every byte of `buffers` at `position` (pwritev may write less than asked). */
async function writeFully(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    at += bytesWritten;
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const buffer of pending) {
      if (skip >= buffer.byteLength) {
        skip -= buffer.byteLength;
        continue;
      }
      rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
      skip = 0;
    }
    pending = rest;
  }
}

/** Makes the entries in `dir` and in its parents up to `root` durable (a new file's name). */
async function syncDirectories(root: string, dir: string): Promise<void> {
  for (let at = dir; ; at = path.dirname(at)) {
    const handle = await open(at, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (at === root || path.dirname(at) === at) return;
  }
}

export function createFileStore(root: string): BlobStore {
  const base = path.resolve(root);
  const fileOf = (key: string): string => {
    const file = path.resolve(base, key);
    if (!file.startsWith(base + path.sep)) throw new Error(`storage key escapes the store: ${key}`);
    return file;
  };

  /**
   * Writes `body` at `offset` and syncs it. `written` counts the bytes on disk; `error` is the
   * body's failure (client gone, too long) or the disk's. A failing sync throws: nothing is durable.
   */
  async function writeAt(file: string, offset: number, body: AsyncIterable<Uint8Array>, create: boolean): Promise<{ written: number; error?: unknown }> {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, create ? "w" : "r+");
    const direct = await openDirect(file).catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    let written = 0;
    let queued = 0;
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let writing: Promise<void> | null = null;
    let diskError: unknown;
    // Set when the body ended or paused: the next writes take everything gathered.
    let whole = false;
    let syncing: Promise<void> | null = null;
    let unsynced = 0;
    // A failed sync's error is reported once (Linux): a later sync may succeed over lost data.
    let syncError: unknown;
    const syncInBackground = () => {
      if (syncing || unsynced < SYNC_BYTES) return;
      unsynced = 0;
      syncing = handle.datasync().catch((error: unknown) => {
        syncError ??= error;
      }).finally(() => {
        syncing = null;
      });
    };
    // Takes the next write out of the batch: whole blocks for a direct write while the body
    // arrives (the rest waits for more), everything when not direct or when `whole`.
    const nextWrite = (position: number): (() => Promise<void>) | null => {
      const blocks = direct?.takes(position, batchBytes) ?? 0;
      if (direct && blocks > 0) {
        const bytes = direct.stage(batch, blocks);
        batchBytes -= blocks;
        return async () => {
          if (!(await direct.write(bytes, position))) await writeFully(handle, [bytes], position);
        };
      }
      if (direct && !whole && position % DIRECT_ALIGN === 0) return null;
      const buffers = batch;
      batch = [];
      batchBytes = 0;
      return () => writeFully(handle, buffers, position);
    };
    // One write at a time; what gathers meanwhile is the next write. Resolves once all is written.
    const drain = (): Promise<void> => {
      if (!writing && batchBytes > 0 && diskError === undefined) {
        const [bytes, position] = [batchBytes, offset + queued];
        const write = nextWrite(position);
        if (write) {
          const size = bytes - batchBytes;
          queued += size;
          writing = write().then(() => {
            written += size;
            unsynced += size;
            syncInBackground();
          }, (error: unknown) => {
            diskError = error;
          }).then(() => {
            writing = null;
            return drain();
          });
        }
      }
      return writing ?? Promise.resolve();
    };
    // A body that pauses has what it sent so far written all the same.
    const idle = setTimeout(() => {
      whole = true;
      void drain();
    }, IDLE_FLUSH_MS);
    let bodyError: unknown;
    try {
      try {
        for await (const chunk of body) {
          batch.push(chunk);
          batchBytes += chunk.byteLength;
          whole = false;
          idle.refresh();
          if (batchBytes >= WRITE_BYTES) {
            const draining = drain();
            if (batchBytes >= (direct ? STAGING_BYTES : WRITE_BYTES)) await draining; // the disk is behind: wait for it
          }
          if (diskError !== undefined) break;
        }
      } catch (error) {
        bodyError = error;
      }
      clearTimeout(idle);
      // What arrived is kept, also when the body failed midway.
      whole = true;
      await drain();
      await syncing;
      if (syncError !== undefined) throw syncError;
      if (written > 0) await handle.datasync();
    } finally {
      clearTimeout(idle);
      await direct?.close();
      await handle.close();
    }
    const error = diskError ?? bodyError;
    return error === undefined ? { written } : { written, error };
  }

  return {
    driver: "file",
    async stat(key) {
      try {
        const info = await stat(fileOf(key));
        return info.isFile() ? { size: info.size } : null;
      } catch {
        return null;
      }
    },
    async read(key: string, range?: ByteRange) {
      const stream = createReadStream(fileOf(key), range ? { start: range.start, end: range.end } : {});
      return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
    },
    async write(key, body) {
      // Written aside and renamed: a reader never sees half an object.
      const file = fileOf(key);
      const temp = `${file}.${randomUUID()}.part`;
      try {
        const result = await writeAt(temp, 0, body, true);
        if (result.error) throw result.error;
        await rename(temp, file);
        await syncDirectories(base, path.dirname(file));
        return { size: result.written };
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
    beginPartial(): PartialState {
      return { kind: "file" };
    },
    async appendPartial(key: string, state: PartialState, input: AppendInput): Promise<AppendResult> {
      const file = fileOf(key);
      const exists = (await this.stat(key)) !== null;
      const result = await writeAt(file, input.offset, input.body, !exists);
      if (!exists) await syncDirectories(base, path.dirname(file));
      return { state, offset: input.offset + result.written, error: result.error };
    },
    async finishPartial(key, _state, size) {
      // Bytes past `size` can only be leftovers of a rejected chunk.
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const handle = await open(file, "a"); // creates the file of an empty upload
      try {
        await handle.truncate(size);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await syncDirectories(base, path.dirname(file));
    },
    async discardPartial(key) {
      await rm(fileOf(key), { force: true });
    },
    async presignPut() {
      return null;
    },
  };
}
