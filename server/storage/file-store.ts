// The local file store: one file per key under `root` (DATA_DIR/blobs by default). Partial upload
// data is the object's own file, written at the offset each chunk starts at, so a chunk repeated
// after an interruption overwrites instead of duplicating. Several app instances need `root` on a
// shared volume (docs/protocol.md "Uploads").
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { randomUUID } from "node:crypto";
import type { AppendInput, AppendResult, BlobStore, ByteRange, PartialState } from "./blob-store";

export function createFileStore(root: string): BlobStore {
  const base = path.resolve(root);
  const fileOf = (key: string): string => {
    const file = path.resolve(base, key);
    if (!file.startsWith(base + path.sep)) throw new Error(`storage key escapes the store: ${key}`);
    return file;
  };

  async function writeAt(file: string, offset: number, body: AsyncIterable<Uint8Array>, create: boolean): Promise<{ written: number; error?: unknown }> {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, create ? "w" : "r+");
    let written = 0;
    try {
      for await (const chunk of body) {
        let done = 0;
        while (done < chunk.byteLength) {
          const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done, offset + written + done);
          done += bytesWritten;
        }
        written += chunk.byteLength;
      }
      return { written };
    } catch (error) {
      return { written, error };
    } finally {
      await handle.close();
    }
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
      const result = await writeAt(temp, 0, body, true);
      if (result.error) {
        await rm(temp, { force: true });
        throw result.error;
      }
      await rename(temp, file);
      return { size: result.written };
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
    },
    async discardPartial(key) {
      await rm(fileOf(key), { force: true });
    },
    async presignPut() {
      return null;
    },
  };
}
