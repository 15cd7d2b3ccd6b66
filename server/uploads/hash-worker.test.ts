import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OffThreadHash, terminateHashWorker } from "./hash-worker";

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

describe("OffThreadHash", () => {
  it("gives the same digest as node:crypto over pieces of any size, across its 1 MiB hand-overs", async () => {
    const pieces = [randomBytes(1), randomBytes(65_536), randomBytes(3 * 2 ** 20 + 7), randomBytes(0), randomBytes(2 ** 20 - 1), randomBytes(12_345)];
    const hash = new OffThreadHash();
    for (const [i, piece] of pieces.entries()) {
      await hash.update(piece);
      if (i === 2) hash.flush(); // the end of a chunk: the rest continues the same hash
    }
    expect(await hash.digest()).toBe(sha256(...pieces));
    // The caller's bytes are copied, never taken: they are still there to be written to disk.
    expect(pieces[2]?.byteLength).toBe(3 * 2 ** 20 + 7);
  });

  it("keeps hashes apart and hashes nothing as the empty digest", async () => {
    const [a, b, empty] = [new OffThreadHash(), new OffThreadHash(), new OffThreadHash()];
    const [x, y] = [randomBytes(5000), randomBytes(7000)];
    await a.update(x);
    await b.update(y);
    await a.update(y);
    expect(await Promise.all([a.digest(), b.digest(), empty.digest()])).toEqual([sha256(x, y), sha256(y), sha256()]);
  });

  it("hashes more than its slots hold, for several hashes at once (slots are reused)", async () => {
    const pieces = Array.from({ length: 3 }, () => Array.from({ length: 200 }, () => randomBytes(65_536 + 3)));
    const digests = await Promise.all(pieces.map(async (list) => {
      const hash = new OffThreadHash();
      for (const piece of list) await hash.update(piece);
      return hash.digest();
    }));
    expect(digests).toEqual(pieces.map((list) => sha256(...list)));
  });

  it("rejects the digest of a hash lost with its worker, and a new hash uses a new worker", async () => {
    const lost = new OffThreadHash();
    await lost.update(randomBytes(100));
    await terminateHashWorker();
    await expect(lost.digest()).rejects.toThrow();
    const fresh = new OffThreadHash();
    const bytes = randomBytes(100);
    await fresh.update(bytes);
    expect(await fresh.digest()).toBe(sha256(bytes));
  });
});
