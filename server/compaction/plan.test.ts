import { describe, expect, it } from "vitest";
import { holdCeiling, pointOf } from "./plan";

const stream = (head: number, compacted: number) => ({ name: "s", headSeq: BigInt(head), compactedUntilSeq: BigInt(compacted) });

describe("holdCeiling", () => {
  it("is the head, lowered by the lowest hold", () => {
    expect(holdCeiling(stream(100, 10), [])).toBe(100n);
    expect(holdCeiling(stream(100, 10), [null, 40n, 25n])).toBe(25n);
  });
});

describe("pointOf", () => {
  it("moves up to just before the first change inside the retention window", () => {
    expect(pointOf(stream(100, 10), 100n, 1_000, 61n)).toBe(60n);
  });

  it("moves to the ceiling when every change up to it is old", () => {
    expect(pointOf(stream(100, 10), 40n, 1_000, null)).toBe(40n);
  });

  it("keeps at most the maximum number of changes, young ones too, under the ceiling", () => {
    expect(pointOf(stream(100, 10), 100n, 30, 11n)).toBe(70n);
    expect(pointOf(stream(100, 10), 50n, 30, 11n)).toBe(50n);
  });

  it("never moves back", () => {
    expect(pointOf(stream(100, 80), 100n, 1_000, 81n)).toBe(80n);
    expect(pointOf(stream(100, 80), 100n, 50, 81n)).toBe(80n);
  });
});
