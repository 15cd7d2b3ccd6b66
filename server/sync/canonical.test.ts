import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, checksumOf, jsonEqual } from "./canonical";

describe("canonicalJson", () => {
  it("sorts keys at every level and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}');
  });
  it("escapes strings as JSON does", () => {
    expect(canonicalJson({ "k\"ey": "line\nbreak ü" })).toBe('{"k\\"ey":"line\\nbreak ü"}');
  });
});

describe("checksumOf", () => {
  it("is sha256 of the canonical JSON, prefixed", () => {
    const expected = createHash("sha256").update('{"a":1,"b":[true]}').digest("hex");
    expect(checksumOf({ b: [true], a: 1 })).toBe(`sha256:${expected}`);
  });
  it("is independent of key order", () => {
    expect(checksumOf({ x: 1, y: 2 })).toBe(checksumOf({ y: 2, x: 1 }));
    expect(jsonEqual({ x: 1 }, { x: 2 })).toBe(false);
  });
});
