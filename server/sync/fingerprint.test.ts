import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chainHash, judgePosition, type StoredPosition } from "./fingerprint";

const link = { seq: 1n, type: "memo", id: "m-1", op: "upsert", version: 1, checksum: "abc" };

describe("chainHash", () => {
  it("depends on every field and on the previous hash, and is 22 base64url characters", () => {
    const base = chainHash(null, link);
    expect(base).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(chainHash(null, { ...link })).toBe(base);
    for (const changed of [{ seq: 2n }, { type: "task" }, { id: "m-2" }, { op: "delete" }, { version: 2 }, { checksum: "abd" }]) {
      expect(chainHash(null, { ...link, ...changed })).not.toBe(base);
    }
    expect(chainHash(base, link)).not.toBe(base);
  });

  it("is the first 16 bytes of sha256 over the link's JSON array, as stored fingerprints were computed", () => {
    const prev = chainHash(null, link);
    const linked = { ...link, id: "m-ü-\u{1F600}", seq: 12345678901234567890n };
    const input = JSON.stringify([prev, linked.seq.toString(), linked.type, linked.id, linked.op, linked.version, linked.checksum]);
    expect(chainHash(prev, linked)).toBe(createHash("sha256").update(input).digest().subarray(0, 16).toString("base64url"));
  });

  it("cannot be forged by moving characters between fields", () => {
    expect(chainHash(null, { ...link, type: "memo", id: "x" })).not.toBe(chainHash(null, { ...link, type: "mem", id: "ox" }));
  });
});

describe("judgePosition", () => {
  const at = (over: Partial<StoredPosition>): StoredPosition => ({
    seq: 5, headSeq: 10, compactedUntilSeq: 0, changeHash: "h5", changeExists: true, compactedHash: null, ...over,
  });

  it("refuses a position ahead of the head, with or without a fingerprint", () => {
    expect(judgePosition(at({ seq: 11, changeExists: false, changeHash: null }), "h11")).toBe("ahead");
    expect(judgePosition(at({ seq: 11, changeExists: false, changeHash: null }), undefined)).toBe("ahead");
  });

  it("refuses a compacted position before looking at fingerprints", () => {
    expect(judgePosition(at({ compactedUntilSeq: 6 }), "other")).toBe("compacted");
  });

  it("compares the fingerprint with the change at the position", () => {
    expect(judgePosition(at({}), "h5")).toBe("ok");
    expect(judgePosition(at({}), "other")).toBe("diverged");
    expect(judgePosition(at({}), undefined)).toBe("ok");
    expect(judgePosition(at({ changeHash: null }), "h5")).toBe("ok"); // written before fingerprints
  });

  it("uses the stream's hash at the compaction point once that change is deleted", () => {
    const kept = at({ compactedUntilSeq: 5, changeExists: false, changeHash: null, compactedHash: "h5" });
    expect(judgePosition(kept, "h5")).toBe("ok");
    expect(judgePosition(kept, "other")).toBe("diverged");
  });

  it("treats a missing change between the compaction point and the head as another history", () => {
    expect(judgePosition(at({ changeExists: false, changeHash: null }), "h5")).toBe("diverged");
  });

  it("accepts position 0, the empty history", () => {
    expect(judgePosition(at({ seq: 0, headSeq: 0, changeExists: false, changeHash: null }), undefined)).toBe("ok");
  });
});
