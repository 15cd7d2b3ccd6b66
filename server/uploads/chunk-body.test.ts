import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { streamPieces } from "./chunk-body";
import { BodyStalled, BodyTooLong } from "./content-range";

const piece = (size: number, fill = 1) => Buffer.alloc(size, fill);

/** Reads `source` to its end or failure: the bytes seen, and the failure if any. */
async function drain(source: AsyncIterable<Uint8Array>): Promise<{ bytes: number; error: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of source) bytes += chunk.byteLength;
    return { bytes, error: null };
  } catch (error) {
    return { bytes, error };
  }
}

describe("streamPieces", () => {
  it("yields every piece in order and ends with the stream", async () => {
    const stream = new PassThrough();
    stream.write(piece(3, 1));
    stream.write(piece(4, 2));
    stream.end(piece(5, 3));
    const seen: number[][] = [];
    for await (const chunk of streamPieces(stream, 1000, 100)) seen.push([chunk.byteLength, chunk[0] ?? -1]);
    expect(seen).toEqual([[3, 1], [4, 2], [5, 3]]);
  });

  it("fails with BodyTooLong past the limit, before yielding the piece that overflows, and leaves the stream open", async () => {
    const stream = new PassThrough();
    stream.write(piece(6));
    setTimeout(() => stream.write(piece(6)), 5);
    const result = await drain(streamPieces(stream, 1000, 10));
    expect(result.error).toBeInstanceOf(BodyTooLong);
    expect(result.bytes).toBe(6);
    expect(stream.destroyed).toBe(false);
    expect(stream.listenerCount("data")).toBe(0);
  });

  it("fails with BodyStalled when nothing arrives for idleMs, after what did arrive", async () => {
    const stream = new PassThrough();
    stream.write(piece(7));
    const started = Date.now();
    const result = await drain(streamPieces(stream, 60, 100));
    expect(result.error).toBeInstanceOf(BodyStalled);
    expect(result.bytes).toBe(7);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(stream.destroyed).toBe(false);
  });

  it("keeps what arrived and then fails with the stream's error when it breaks off", async () => {
    const stream = new PassThrough();
    stream.write(piece(8));
    setTimeout(() => stream.destroy(new Error("aborted")), 5);
    const result = await drain(streamPieces(stream, 1000, 100));
    expect(result.bytes).toBe(8);
    expect((result.error as Error).message).toBe("aborted");
  });

  it("fails when the stream closes before its end, also when that happened before reading began", async () => {
    const early = new PassThrough();
    early.destroy();
    const before = await drain(streamPieces(early, 1000, 100));
    expect((before.error as NodeJS.ErrnoException).code).toBe("ERR_STREAM_PREMATURE_CLOSE");

    const stream = new PassThrough();
    setTimeout(() => stream.destroy(), 5);
    const during = await drain(streamPieces(stream, 1000, 100));
    expect((during.error as NodeJS.ErrnoException).code).toBe("ERR_STREAM_PREMATURE_CLOSE");
  });

  it("reads at most 16 pieces ahead of its consumer, and a consumer that stops early leaves the rest unread", async () => {
    const stream = new PassThrough({ highWaterMark: 1 });
    for (let i = 0; i < 40; i++) stream.write(piece(10));
    const iterator = streamPieces(stream, 1000, 1000)[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The stream holds what was not read ahead: 40 pieces less the one taken and at most 16 queued.
    const unread = () => stream.readableLength + stream.writableLength;
    expect(unread()).toBeGreaterThanOrEqual((40 - 1 - 16) * 10);
    await iterator.return?.();
    expect(stream.destroyed).toBe(false);
    expect(stream.listenerCount("data")).toBe(0);
    expect(unread()).toBeGreaterThan(0);
  });

  it("shows each piece to its tap before yielding it, waits while the tap is busy, and ends the tap once however the body ends", async () => {
    const events: string[] = [];
    const tap = (busyMs: number) => ({
      see(chunk: Uint8Array) {
        events.push(`see ${chunk.byteLength}`);
        return busyMs > 0 ? new Promise<void>((resolve) => setTimeout(() => (events.push("free"), resolve()), busyMs)) : undefined;
      },
      end() {
        events.push("end");
      },
    });
    const stream = new PassThrough();
    stream.write(piece(2));
    stream.end(piece(3));
    for await (const chunk of streamPieces(stream, 1000, 100, tap(5))) events.push(`yield ${chunk.byteLength}`);
    expect(events).toEqual(["see 2", "free", "yield 2", "see 3", "free", "yield 3", "end"]);

    events.length = 0;
    const long = new PassThrough();
    long.end(piece(12));
    const result = await drain(streamPieces(long, 1000, 10, tap(0)));
    expect(result.error).toBeInstanceOf(BodyTooLong);
    expect(events).toEqual(["end"]);
  });
});
