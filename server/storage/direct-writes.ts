// Upload bytes written around the page cache (O_DIRECT, Linux). Every chunk is synced before it is
// acknowledged anyway, so the cache only costs: the kernel copies each byte into it and allocates
// its pages, which on the benchmark's VM took 5-17 ms of CPU per 8 MiB chunk, on the two cores the
// receiving and hashing need (bench/profiles/2026-12-09-uploads.md). Written directly, the same
// chunk costs the kernel ~1.5 ms, for one copy of ours into aligned memory (~1 ms).
//
// O_DIRECT asks that the file position, the length and the memory be aligned to the device's
// block. Node's Buffers promise no alignment of their memory, WebAssembly memory is page-aligned,
// so the bytes go through staging buffers cut from one such memory. Anything not aligned (the
// tail of an upload, a chunk resumed mid-block) is written through the cache as before, and where
// the platform or filesystem has no O_DIRECT (macOS, tmpfs) everything is.
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/** Alignment of direct writes' positions and lengths (4 KiB covers every common block size). */
export const DIRECT_ALIGN = 4096;
/**
 * One staging buffer: the most one direct write takes. A direct write waits for the device, so
 * while one is under way the next may gather up to this much (fewer, larger writes).
 */
export const STAGING_BYTES = 2 ** 20;
/** Staging buffers of the process (8 MiB); an append that finds none writes through the cache. */
const STAGING_COUNT = 8;

type Staging = { free: Uint8Array[]; broken: boolean };
let staging: Staging | null = null;

function pool(): Staging {
  if (!staging) {
    const pages = (STAGING_BYTES * STAGING_COUNT) / 65536;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const free = Array.from({ length: STAGING_COUNT }, (_, i) => new Uint8Array(memory.buffer, i * STAGING_BYTES, STAGING_BYTES));
    staging = { free, broken: false };
  }
  return staging;
}

/** A direct writer of `file`, or null: no O_DIRECT here, or no staging buffer free. */
export async function openDirect(file: string): Promise<DirectWriter | null> {
  const flag = constants.O_DIRECT;
  const buffers = pool();
  if (!flag || buffers.broken) return null;
  const buffer = buffers.free.pop();
  if (!buffer) return null;
  try {
    return new DirectWriter(await open(file, constants.O_WRONLY | flag), buffer);
  } catch {
    buffers.free.push(buffer); // a filesystem without O_DIRECT refuses the open (EINVAL)
    return null;
  }
}

export class DirectWriter {
  constructor(private readonly handle: FileHandle, private readonly buffer: Uint8Array) {}

  /**
   * How many of `bytes` gathered at `position` a direct write would take now: whole blocks, at
   * most a staging buffer; 0 when `position` is not on a block.
   */
  takes(position: number, bytes: number): number {
    if (position % DIRECT_ALIGN !== 0) return 0;
    const most = Math.min(bytes, STAGING_BYTES);
    return most - (most % DIRECT_ALIGN);
  }

  /**
   * Copies the first `length` bytes of `pieces` (removing them from it) into the staging buffer,
   * and returns them.
   */
  stage(pieces: Uint8Array[], length: number): Uint8Array {
    let filled = 0;
    while (filled < length) {
      const piece = pieces[0] as Uint8Array;
      const take = Math.min(piece.byteLength, length - filled);
      this.buffer.set(take === piece.byteLength ? piece : piece.subarray(0, take), filled);
      filled += take;
      if (take === piece.byteLength) pieces.shift();
      else pieces[0] = piece.subarray(take);
    }
    return this.buffer.subarray(0, length);
  }

  /**
   * Writes the staged `bytes` at `position`. False when the kernel refused a direct write (a
   * filesystem that accepted the flag but not the write): the caller writes them through the
   * cache, and this process stops trying.
   */
  async write(bytes: Uint8Array, position: number): Promise<boolean> {
    let at = 0;
    try {
      while (at < bytes.byteLength) {
        const { bytesWritten } = await this.handle.write(bytes, at, bytes.byteLength - at, position + at);
        at += bytesWritten;
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EINVAL" || at > 0) throw error;
      pool().broken = true;
      return false;
    }
  }

  async close(): Promise<void> {
    pool().free.push(this.buffer);
    await this.handle.close();
  }
}
