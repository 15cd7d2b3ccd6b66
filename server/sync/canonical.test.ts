import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalPushRequest, checksumOf, jsonEqual } from "./canonical";
import type { TPushRequest } from "@syncdesk/protocol";

// The definition: entries without undefined, sorted by key, each written the same way.
const reference = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
};

describe("canonicalJson", () => {
  it("sorts keys at every level and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}');
  });
  it("escapes strings as JSON does", () => {
    expect(canonicalJson({ "k\"ey": "line\nbreak ü" })).toBe('{"k\\"ey":"line\\nbreak ü"}');
  });
  it("leaves undefined members out and writes undefined array elements as null, as JSON.stringify", () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
    expect(canonicalJson({ z: undefined, y: 1 })).toBe('{"y":1}');
  });
  it("orders keys by UTF-16 code units (uppercase, digits and non-ASCII included)", () => {
    expect(canonicalJson({ é: 1, b: 2, B: 3, "10": 4, "9": 5, "": 6 })).toBe('{"":6,"10":4,"9":5,"B":3,"b":2,"é":1}');
  });
  it("writes what the straightforward definition writes, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
  it("writes objects of many keys, and the same keys again, as the definition does (keys sorted in place up to 32)", () => {
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ minLength: 60, maxLength: 70 }), fc.constantFrom("a", "B", "10", "9", "é", ""));
    const object = fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { minKeys: 0, maxKeys: 80 });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 4 }), (objects) => {
        expect(canonicalJson(objects)).toBe(reference(objects));
        expect(canonicalJson(objects)).toBe(reference(objects)); // the second time with its keys quoted already
      }),
      { numRuns: 300 },
    );
  });
  it("writes nested objects of many distinct keys (beyond the one-pass limit) as the definition does", () => {
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${199 - i}`, { [`n${i}`]: [i, { [`m${i}`]: null }] }]));
    expect(canonicalJson(wide)).toBe(reference(wide));
    const deep = Array.from({ length: 100 }, (_, i) => ({ [`a${i}`]: i, z: { [`b${i}`]: true } }));
    expect(canonicalJson(deep)).toBe(reference(deep));
  });
  it("keeps an own __proto__ key where it is and writes no prototype for objects without one", () => {
    const parsed: unknown = JSON.parse('{"b":{"__proto__":{"x":1}},"a":{"y":2},"c":[{}]}');
    expect(canonicalJson(parsed)).toBe('{"a":{"y":2},"b":{"__proto__":{"x":1}},"c":[{}]}');
  });
  it("writes objects without a prototype as plain ones, and other objects by their own keys", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: [2] });
    expect(canonicalJson({ o: bare })).toBe('{"o":{"a":[2],"b":1}}');
    class Point { constructor(public y: number, public x: number) {} }
    expect(canonicalJson({ p: new Point(2, 1), d: new Date(0) })).toBe('{"d":{},"p":{"x":1,"y":2}}');
  });
});

describe("checksumOf", () => {
  it("is sha256 of the canonical JSON, prefixed", () => {
    const expected = createHash("sha256").update('{"a":1,"b":[true]}').digest("hex");
    expect(checksumOf({ b: [true], a: 1 })).toBe(`sha256:${expected}`);
  });
  it("hashes the UTF-8 bytes of any text, as Node's streaming hash does", () => {
    fc.assert(fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
      const data = { value, text };
      expect(checksumOf(data)).toBe(`sha256:${createHash("sha256").update(canonicalJson(data)).digest("hex")}`);
    }));
  });
  it("is independent of key order", () => {
    expect(checksumOf({ x: 1, y: 2 })).toBe(checksumOf({ y: 2, x: 1 }));
    expect(jsonEqual({ x: 1 }, { x: 2 })).toBe(false);
  });
});

describe("canonicalPushRequest", () => {
  const data = fc.dictionary(fc.string(), fc.jsonValue());
  const item = fc.record({
    type: fc.string(), id: fc.option(fc.string(), { nil: undefined }), action: fc.constantFrom("create" as const, "update" as const, "delete" as const),
    data: fc.option(data, { nil: undefined }), base_version: fc.option(fc.nat(), { nil: undefined }),
    client_temp_id: fc.option(fc.string(), { nil: undefined }), updated_at: fc.option(fc.string(), { nil: undefined }),
  });
  const request = fc.record({
    device_id: fc.string(), bundle_id: fc.nat(), mode: fc.constantFrom("partial" as const, "atomic" as const),
    items: fc.array(item, { minLength: 1, maxLength: 5 }), recovered: fc.option(fc.boolean(), { nil: undefined }),
  });

  it("is the request's canonical JSON (its hash is the idempotency key's body check), noting each item's data text", () => {
    fc.assert(
      fc.property(request, (value) => {
        const pushed = value as TPushRequest;
        const texts = new Map<object, string>();
        expect(canonicalPushRequest(pushed, texts)).toBe(canonicalJson(pushed));
        for (const { data: itemData } of pushed.items) if (itemData) expect(texts.get(itemData)).toBe(canonicalJson(itemData));
      }),
      { numRuns: 300 },
    );
  });
});
