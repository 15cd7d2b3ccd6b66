// A chunk PUT's body as the bytes arrive, failing when it stalls or runs past its range. Served
// beside Next (beside-next.ts) the request's Node stream is read directly: through Next, each
// 64 KiB piece of an 8 MiB chunk also passes two web streams (Next's bridge of the request body and
// the Request's own), which cost the chunk PUT more CPU than its disk write
// (bench/profiles/2026-12-05-uploads.md).
//
// The Node stream is read in one stage (streamPieces), the running hash's share included (a tap),
// not as its async iterator wrapped in one generator per check: each stage cost every piece a few
// promises, and each promise Next's async-context hooks, ~4 ms of server CPU per 8 MiB chunk
// (bench/profiles/2026-12-09-uploads.md).
import { finished, type Readable } from "node:stream";
import { iterateStream } from "../storage/blob-store";
import { BodyStalled, BodyTooLong, capBytes, failWhenIdle } from "./content-range";

const nodeBodies = new WeakMap<Request, Readable>();

/** Gives `request` (made without a body) the bytes of `source`, the request's Node stream. */
export function withNodeBody(request: Request, source: Readable): Request {
  nodeBodies.set(request, source);
  return request;
}

/**
 * Sees each piece before the store gets it (the running hash). `see` may return a promise to hold
 * the body back while it is busy; `end` is called once the body is done with, however it ended.
 */
export type PieceTap = { see(piece: Uint8Array): Promise<void> | undefined; end(): void };

/**
 * The body of `request`, its Node stream when it has one, else its web stream: at most `limit`
 * bytes (more fails with BodyTooLong) and never `idleMs` without a byte (BodyStalled), each piece
 * shown to `tap` first.
 */
export function chunkBodyOf(request: Request, idleMs: number, limit: number, tap?: PieceTap): AsyncIterable<Uint8Array> {
  const stream = nodeBodies.get(request);
  if (stream) return streamPieces(stream, idleMs, limit, tap);
  const body = capBytes(failWhenIdle(iterateStream(request.body), idleMs), limit);
  return tap ? tapped(body, tap) : body;
}

async function* tapped(source: AsyncIterable<Uint8Array>, tap: PieceTap): AsyncIterable<Uint8Array> {
  try {
    for await (const piece of source) {
      const busy = tap.see(piece);
      if (busy) await busy;
      yield piece;
    }
  } finally {
    tap.end();
  }
}

/** Pieces read ahead of the consumer before the stream is paused (64 KiB each from a socket). */
const READ_AHEAD = 16;

/**
 * The pieces of `stream` as they arrive, each shown to `tap` first. Fails with BodyStalled when
 * nothing arrives for `idleMs`, with BodyTooLong once more than `limit` bytes came, and with the
 * stream's error when it breaks off. Stopping early (a failure, or the consumer's) stops reading
 * but leaves the stream open, so that the answer still reaches the client.
 */
export async function* streamPieces(stream: Readable, idleMs: number, limit: number, tap?: PieceTap): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = [];
  let seen = 0;
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const stalled = setTimeout(() => {
    failure ??= new BodyStalled(`no bytes for ${idleMs} ms`);
    notify();
  }, idleMs);
  const onData = (piece: Uint8Array) => {
    queue.push(piece);
    stalled.refresh();
    if (queue.length >= READ_AHEAD) stream.pause();
    notify();
  };
  // The end, an error, or a close before the end (the client went away), also one already past.
  const stopWatching = finished(stream, { writable: false }, (error) => {
    if (error) failure ??= error;
    else ended = true;
    notify();
  });
  stream.on("data", onData);
  try {
    for (;;) {
      const piece = queue.shift();
      if (piece) {
        if (queue.length === 0 && stream.isPaused()) stream.resume();
        seen += piece.byteLength;
        if (seen > limit) throw new BodyTooLong(`the body is longer than ${limit} bytes`);
        const busy = tap?.see(piece);
        if (busy) await busy;
        yield piece;
      } else if (failure !== null) {
        throw failure;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    clearTimeout(stalled);
    stream.off("data", onData);
    stream.pause();
    stopWatching();
    tap?.end();
  }
}
