import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileStore } from "./file-store";
import type { BlobStore } from "./blob-store";

let dir: string;
let store: BlobStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "syncdesk-file-store-"));
  store = createFileStore(dir);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `bytes` in pieces of uneven sizes, as a network delivers them. */
async function* pieces(bytes: Uint8Array, failAfter = Infinity, sent = { bytes: 0 }): AsyncIterable<Uint8Array> {
  for (let i = 0; sent.bytes < bytes.byteLength; i++) {
    if (sent.bytes >= failAfter) throw new Error("connection reset");
    const piece = bytes.subarray(sent.bytes, Math.min(bytes.byteLength, sent.bytes + 1 + ((i * 7919) % 100_000)));
    sent.bytes += piece.byteLength;
    yield piece;
  }
}

describe("the file store's partial uploads", () => {
  it("stores chunks of uneven pieces at their offsets, byte for byte", async () => {
    const bytes = randomBytes(5 * 2 ** 20 + 333);
    const state = store.beginPartial("uploads/a");
    const middle = 3 * 2 ** 20 + 17;
    const first = await store.appendPartial("uploads/a", state, { offset: 0, total: bytes.byteLength, body: pieces(bytes.subarray(0, middle)) });
    expect(first).toMatchObject({ offset: middle });
    expect(first.error).toBeUndefined();
    const second = await store.appendPartial("uploads/a", state, { offset: middle, total: bytes.byteLength, body: pieces(bytes.subarray(middle)) });
    expect(second.offset).toBe(bytes.byteLength);
    await store.finishPartial("uploads/a", state, bytes.byteLength);
    expect(Buffer.compare(readFileSync(path.join(dir, "uploads/a")), bytes)).toBe(0);
  });

  // Whole blocks go around the page cache (direct-writes.ts), the rest through it: a chunk sent
  // again over bytes written either way must read back as sent.
  it("overwrites earlier bytes from a repeated chunk, whichever way they were written", async () => {
    const old = randomBytes(3 * 2 ** 20 + 4001);
    const state = store.beginPartial("uploads/r");
    await store.appendPartial("uploads/r", state, { offset: 0, total: old.byteLength, body: pieces(old) });
    const again = randomBytes(2 * 2 ** 20);
    const from = 2 ** 20 + 8192;
    const result = await store.appendPartial("uploads/r", state, { offset: from, total: old.byteLength, body: pieces(again) });
    expect(result.offset).toBe(from + again.byteLength);
    const expected = Buffer.concat([old.subarray(0, from), again, old.subarray(from + again.byteLength)]);
    expect(Buffer.compare(readFileSync(path.join(dir, "uploads/r")), expected)).toBe(0);
  });

  it("keeps what arrived before a body failed, and says so", async () => {
    const bytes = randomBytes(3 * 2 ** 20);
    const state = store.beginPartial("uploads/b");
    const sent = { bytes: 0 };
    const result = await store.appendPartial("uploads/b", state, { offset: 0, total: bytes.byteLength, body: pieces(bytes, 2 * 2 ** 20 + 5, sent) });
    expect(result.error).toBeInstanceOf(Error);
    expect(sent.bytes).toBeLessThan(bytes.byteLength);
    expect(result.offset).toBe(sent.bytes);
    const stored = readFileSync(path.join(dir, "uploads/b"));
    expect(stored.byteLength).toBe(result.offset);
    expect(Buffer.compare(stored, bytes.subarray(0, result.offset))).toBe(0);
  });

  it("writes what a paused body sent without waiting for more", async () => {
    const sent = randomBytes(100_000);
    let resume: () => void = () => undefined;
    const paused = new Promise<void>((r) => {
      resume = r;
    });
    const body = (async function* () {
      yield sent;
      await paused;
    })();
    const state = store.beginPartial("uploads/c");
    const appending = store.appendPartial("uploads/c", state, { offset: 0, total: 200_000, body });
    let size = 0;
    for (let i = 0; i < 100 && size < sent.byteLength; i++) {
      await new Promise((r) => setTimeout(r, 20));
      size = (await store.stat("uploads/c"))?.size ?? 0;
    }
    expect(size).toBe(sent.byteLength);
    resume();
    expect((await appending).offset).toBe(sent.byteLength);
  });
});
