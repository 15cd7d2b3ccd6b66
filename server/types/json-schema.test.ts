import { describe, expect, it } from "vitest";
import { compileJsonSchema } from "./json-schema";

describe("compileJsonSchema", () => {
  it("fills declared defaults into a copy, never into the caller's data", () => {
    const validate = compileJsonSchema({
      type: "object",
      properties: { note: { type: "string" }, mood: { type: "string", default: "calm" }, tags: { type: "array", items: { type: "string" } } },
      additionalProperties: false,
    });
    const sent = { note: "hi", tags: ["a"] };
    const result = validate(sent);
    expect(result).toEqual({ ok: true, data: { note: "hi", mood: "calm", tags: ["a"] } });
    expect(sent).toEqual({ note: "hi", tags: ["a"] });
    expect(result.ok && result.data.tags).not.toBe(sent.tags);
  });

  it("fills a default declared under $defs, through a local $ref, into a copy", () => {
    const validate = compileJsonSchema({
      type: "object",
      properties: { inner: { $ref: "#/$defs/inner" } },
      $defs: { inner: { type: "object", properties: { on: { type: "boolean", default: false } } } },
    });
    const sent = { inner: {} };
    expect(validate(sent)).toEqual({ ok: true, data: { inner: { on: false } } });
    expect(sent).toEqual({ inner: {} });
  });

  it("validates data in place when the schema declares no default (nothing to write), leaving it as sent", () => {
    const validate = compileJsonSchema({ type: "object", properties: { note: { type: "string" } }, required: ["note"] });
    const sent = { note: "hi", extra: { deep: [1, 2] } };
    const result = validate(sent);
    expect(result).toEqual({ ok: true, data: { note: "hi", extra: { deep: [1, 2] } } });
    expect(sent).toEqual({ note: "hi", extra: { deep: [1, 2] } });
    expect(validate({ note: 1 })).toMatchObject({ ok: false, issues: [{ field: "note" }] });
  });
});
