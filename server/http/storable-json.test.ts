import { describe, expect, it } from "vitest";
import { findUnstorableJson, MAX_JSON_DEPTH } from "./storable-json";

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe("findUnstorableJson", () => {
  it("accepts ordinary JSON, including paired surrogates (emoji)", () => {
    expect(findUnstorableJson({ a: [1, "x", null, { b: true }], "😀": "héllo 😀" })).toBeNull();
  });

  it("names the field holding a NUL character or an unpaired surrogate, in values and keys", () => {
    expect(findUnstorableJson({ items: [{ data: { content: "a\u0000b" } }] })?.field).toBe("items.0.data.content");
    expect(findUnstorableJson({ a: "x\ud800" })?.field).toBe("a");
    expect(findUnstorableJson({ a: "\udc00x" })?.field).toBe("a");
    expect(findUnstorableJson({ a: { "k\u0000": 1 } })?.field).toBe("a.k\u0000");
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses more, without recursion`, () => {
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/deeper/);
    expect(findUnstorableJson(JSON.parse("[".repeat(200_000) + "]".repeat(200_000)))).not.toBeNull();
  });
});
