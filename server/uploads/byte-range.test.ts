import { describe, expect, it } from "vitest";
import { parseByteRange } from "./byte-range";

describe("parseByteRange", () => {
  it("reads a-b, a- and -n against the size", () => {
    expect(parseByteRange("bytes=0-9", 100)).toEqual({ kind: "part", range: { start: 0, end: 9 } });
    expect(parseByteRange("bytes=90-", 100)).toEqual({ kind: "part", range: { start: 90, end: 99 } });
    expect(parseByteRange("bytes=-10", 100)).toEqual({ kind: "part", range: { start: 90, end: 99 } });
    expect(parseByteRange("bytes=50-500", 100)).toEqual({ kind: "part", range: { start: 50, end: 99 } });
    expect(parseByteRange("bytes=-500", 100)).toEqual({ kind: "part", range: { start: 0, end: 99 } });
  });

  it("answers the whole blob without a (single, understood) range", () => {
    expect(parseByteRange(null, 100)).toEqual({ kind: "whole" });
    expect(parseByteRange("bytes=0-1,5-6", 100)).toEqual({ kind: "whole" });
    expect(parseByteRange("items=0-1", 100)).toEqual({ kind: "whole" });
  });

  it("finds ranges past the end or backwards unsatisfiable", () => {
    expect(parseByteRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseByteRange("bytes=100-200", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseByteRange("bytes=9-3", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseByteRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseByteRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
  });
});
