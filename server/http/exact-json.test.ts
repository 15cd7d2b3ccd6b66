// Which numbers JSON.parse would change, found in the raw text with their paths (exact-json.ts).
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { findInexactNumbers, inexactNumber, mayHoldInexactNumber } from "./exact-json";

describe("inexactNumber", () => {
  it("passes every number that reads back as sent, in any spelling", () => {
    for (const token of ["0", "-0", "1", "-1.5", "0.1", "1e3", "1E+3", "1.50", "1e21", "1e308", "-1e308", "5e-324", "2.2250738585072014e-308",
      "9007199254740991", "9007199254740992", "9007199254740994", "123456789012345", "0.000001", "1e-7", "3.141592653589793", "1.7976931348623157e308",
      "100000000000000000000000", "0e999", "0.0000000000000000000"]) {
      expect(inexactNumber(token), token).toBeNull();
    }
  });

  it("refuses overflow, underflow and lost digits, saying what they would read back as", () => {
    expect(inexactNumber("1e309")).toMatch(/reads back as Infinity/);
    expect(inexactNumber("-1e309")).toMatch(/reads back as -Infinity/);
    expect(inexactNumber("1e-400")).toMatch(/reads back as 0/);
    expect(inexactNumber("9007199254740993")).toMatch(/reads back as 9007199254740992/);
    expect(inexactNumber("12345678901234567890")).not.toBeNull();
    expect(inexactNumber("0.12345678901234567890123")).not.toBeNull();
    expect(inexactNumber("1.2345e-320")).not.toBeNull(); // a subnormal keeps fewer digits
    expect(inexactNumber("1" + "0".repeat(400))).toMatch(/reads back as Infinity/);
  });
});

describe("findInexactNumbers", () => {
  it("finds each inexact number with its path, ignoring look-alikes in strings and keys", () => {
    const text = JSON.stringify({ items: [{ data: { ok: 1, s: "1e309 9007199254740993", "1e999": 2 } }] })
      .replace('"ok":1', '"ok":1,"big":9007199254740993,"deep":{"a\\"b":[1,1e-400,{"x":1e309}]}');
    expect(JSON.parse(text)).toBeTruthy();
    expect(findInexactNumbers(text).map((f) => f.path)).toEqual([
      ["items", "0", "data", "big"], ["items", "0", "data", "deep", 'a"b', "1"], ["items", "0", "data", "deep", 'a"b', "2", "x"],
    ]);
  });

  it("lets the cheap check pass ordinary bodies (UUIDs, checksums, timestamps, ids) without a scan", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), checksum: `sha256:ab12${"0".repeat(60)}`, at: new Date(i).toISOString(), n: i * 1.5, big: 123456789012345 }));
    expect(mayHoldInexactNumber(JSON.stringify({ device_id: randomUUID(), bundle_id: 1764892800000, items }))).toBe(false);
    for (const text of ["[1e309]", '{"a":1e-400}', "9007199254740993", '{"a": 0.10000000000000000001}', '[1,\n1E+999]', '{"a":-0.0000000000000001}']) {
      expect(mayHoldInexactNumber(text), text).toBe(true);
    }
  });

  it("finds nothing, quickly, in a body without a suspect", () => {
    expect(findInexactNumbers(JSON.stringify({ a: [1, 2.5, -3e10, "x"], sha: "sha256:3e1234abc", n: 1234567890123 }))).toEqual([]);
    expect(findInexactNumbers("[1e400]")[0]?.path).toEqual(["0"]);
    expect(findInexactNumbers("1e400")[0]?.path).toEqual([]);
  });
});

describe("findInexactNumbers on text that is not JSON", () => {
  it("ends without throwing on an unclosed string, a trailing backslash or stray brackets", () => {
    for (const text of ['{"a', '{"a\\', '{"\\u12', ']]]}}1e999', '{"k\\"": 1e999', '"' + "1".repeat(20)]) {
      expect(() => findInexactNumbers(text), text).not.toThrow();
    }
    expect(findInexactNumbers('[1e999')[0]?.path).toEqual(["0"]);
  });
});
