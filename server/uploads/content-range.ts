// `Content-Range: bytes <start>-<end>/<size>` of a chunk PUT (end inclusive, as in HTTP).
import { AppError } from "../errors";

export type ChunkRange = { start: number; end: number; total: number };

const PATTERN = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/;

export function parseContentRange(header: string | null): ChunkRange {
  const match = PATTERN.exec(header?.trim() ?? "");
  if (!match) {
    throw new AppError("invalid_request", "Send Content-Range: bytes <start>-<end>/<size>", {
      fields: [{ field: "Content-Range", message: "missing or not bytes <start>-<end>/<size>" }],
    });
  }
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (end < start || end >= total) {
    throw new AppError("invalid_request", "Content-Range must have start <= end < size", {
      fields: [{ field: "Content-Range", message: "start <= end < size" }],
    });
  }
  return { start, end, total };
}

export class BodyTooLong extends Error {}
export class BodyStalled extends Error {}

/**
 * Fails with BodyStalled when no bytes arrive for `idleMs`: a client that went silent is treated
 * like one that went away (what arrived is kept) instead of holding its upload for ever.
 */
export async function* failWhenIdle(source: AsyncIterable<Uint8Array>, idleMs: number): AsyncIterable<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BodyStalled(`no bytes for ${idleMs} ms`)), idleMs);
      });
      try {
        const next = await Promise.race([iterator.next(), idle]);
        if (next.done) return;
        yield next.value;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    void iterator.return?.();
  }
}

/** Passes at most `limit` bytes through; more makes the iteration fail with BodyTooLong. */
export async function* capBytes(source: AsyncIterable<Uint8Array>, limit: number): AsyncIterable<Uint8Array> {
  let seen = 0;
  for await (const chunk of source) {
    if (seen + chunk.byteLength > limit) throw new BodyTooLong(`the body is longer than ${limit} bytes`);
    seen += chunk.byteLength;
    yield chunk;
  }
}
