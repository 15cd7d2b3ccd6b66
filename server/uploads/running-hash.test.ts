import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { OffThreadHash } from "./hash-worker";
import { forgetRunningHashes, hashTap, keepRunningHash, MAX_RUNNING_HASHES, takeRunningHash } from "./running-hash";

const HOUR = 3_600_000;
const hex = (bytes: string) => createHash("sha256").update(bytes).digest("hex");

afterEach(() => forgetRunningHashes());

describe("running upload hashes", () => {
  it("continues a hash only at the offset it covers, and only once", async () => {
    const hash = takeRunningHash("s1", "uploads/s1", 0);
    expect(hash).not.toBeNull();
    await hash?.update(new TextEncoder().encode("abc"));
    if (hash) keepRunningHash("s1", "uploads/s1", 3, hash, HOUR);
    const again = takeRunningHash("s1", "uploads/s1", 3);
    expect(await again?.digest()).toBe(hex("abc"));
    expect(takeRunningHash("s1", "uploads/s1", 3)).toBeNull(); // taken: gone
  });

  it("drops a hash taken at another offset or for another upload's bytes", async () => {
    const kept = async () => {
      const hash = new OffThreadHash();
      await hash.update(new TextEncoder().encode("abc"));
      keepRunningHash("s1", "uploads/s1", 3, hash, HOUR);
      return hash;
    };
    const first = await kept();
    expect(takeRunningHash("s1", "uploads/s1", 5)).toBeNull(); // bytes 3..5 went elsewhere
    await expect(first.digest()).rejects.toThrow(/dropped/);
    await kept();
    expect(takeRunningHash("s1", "uploads/other", 3)).toBeNull(); // not the same upload's bytes
    expect(takeRunningHash("s1", "uploads/s1", 3)).toBeNull(); // and the entry is gone
  });

  it("drops hashes idle past the upload TTL, and the oldest when full", () => {
    const start = Date.now();
    keepRunningHash("old", "k/old", 1, new OffThreadHash(), HOUR, start);
    keepRunningHash("new", "k/new", 1, new OffThreadHash(), HOUR, start + HOUR + 1);
    expect(takeRunningHash("old", "k/old", 1)).toBeNull();
    expect(takeRunningHash("new", "k/new", 1)).not.toBeNull();

    for (let i = 0; i <= MAX_RUNNING_HASHES; i++) keepRunningHash(`s${i}`, `k/s${i}`, 1, new OffThreadHash(), HOUR, start + i);
    expect(takeRunningHash("s0", "k/s0", 1)).toBeNull();
    expect(takeRunningHash("s1", "k/s1", 1)).not.toBeNull();
    expect(takeRunningHash(`s${MAX_RUNNING_HASHES}`, `k/s${MAX_RUNNING_HASHES}`, 1)).not.toBeNull();
  });

  it("hashes and counts every piece its tap sees, and hands the rest to the worker at the end", async () => {
    const hash = new OffThreadHash();
    const counted = { bytes: 0 };
    const tap = hashTap(hash, counted);
    for (const text of ["ab", "cde"]) await tap.see(new TextEncoder().encode(text));
    tap.end();
    expect(counted.bytes).toBe(5);
    expect(await hash.digest()).toBe(hex("abcde"));
  });
});
