import { describe, expect, it } from "vitest";
import { chainHash } from "../sync/fingerprint";
import { fp16, judgeWatermelon, positionOf, timestampOf } from "./timestamp";

const hash = chainHash(null, { seq: 7n, type: "memo", id: "m", op: "upsert", version: 1, checksum: "sha256:x" });
const stored = (changeHash: string | null, over: Partial<Parameters<typeof judgeWatermelon>[0]> = {}) => ({
  seq: 7, headSeq: 9, compactedUntilSeq: 0, changeHash, changeExists: true, compactedHash: null, ...over,
});

describe("WatermelonDB timestamps", () => {
  it("carry the position and 16 bits of its fingerprint, within a safe integer, never 0", () => {
    const t = timestampOf(7, hash);
    expect(positionOf(t)).toEqual({ seq: 7, fp: fp16(hash) });
    expect(timestampOf(0, null)).toBeGreaterThan(0);
    expect(Number.isSafeInteger(timestampOf(100_000_000_000, hash))).toBe(true);
  });

  it("read a timestamp issued before fingerprints (seq + 1) as a plain position", () => {
    expect(positionOf(8)).toEqual({ seq: 7, fp: null });
    expect(judgeWatermelon(stored("other"), positionOf(8))).toBe("ok");
  });

  it("judge the 16 bits against the hash stored at the position", () => {
    const position = positionOf(timestampOf(7, hash));
    expect(judgeWatermelon(stored(hash), position)).toBe("ok");
    const other = chainHash(null, { seq: 7n, type: "memo", id: "m", op: "upsert", version: 2, checksum: "sha256:x" });
    expect(fp16(other)).not.toBe(fp16(hash));
    expect(judgeWatermelon(stored(other), position)).toBe("diverged");
    expect(judgeWatermelon(stored(null), position)).toBe("ok"); // an unhashed change
    expect(judgeWatermelon(stored(hash, { headSeq: 5 }), position)).toBe("ahead");
    expect(judgeWatermelon(stored(null, { changeExists: false }), position)).toBe("diverged");
  });
});
