import { describe, expect, it } from "vitest";
import { typeIdentifiers, typeOfSchema } from "./typescript-types";

describe("typeOfSchema", () => {
  it("maps JSON types, with integer as number and a type list as a union", () => {
    expect(typeOfSchema({ type: "string" })).toBe("string");
    expect(typeOfSchema({ type: "integer", minimum: 0 })).toBe("number");
    expect(typeOfSchema({ type: "number" })).toBe("number");
    expect(typeOfSchema({ type: "boolean" })).toBe("boolean");
    expect(typeOfSchema({ type: "null" })).toBe("null");
    expect(typeOfSchema({ type: ["string", "null"] })).toBe("string | null");
  });

  it("turns enums and consts into literal unions", () => {
    expect(typeOfSchema({ type: "string", enum: ["draft", "it's \"done\""] })).toBe('"draft" | "it\'s \\"done\\""');
    expect(typeOfSchema({ enum: [1, true, null] })).toBe("1 | true | null");
    expect(typeOfSchema({ const: "fixed" })).toBe('"fixed"');
    // An object in an enum has no literal type: the whole enum is unknown rather than too narrow.
    expect(typeOfSchema({ enum: ["a", { b: 1 }] })).toBe("unknown");
  });

  it("types arrays by their items, grouping unions and closing tuples", () => {
    expect(typeOfSchema({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(typeOfSchema({ type: "array", items: { type: ["string", "number"] } })).toBe("(string | number)[]");
    expect(typeOfSchema({ type: "array" })).toBe("unknown[]");
    expect(typeOfSchema({ type: "array", prefixItems: [{ type: "number" }, { type: "string" }], items: false })).toBe("[number, string]");
    expect(typeOfSchema({ type: "array", prefixItems: [{ type: "number" }] })).toBe("[number, ...unknown[]]");
  });

  it("marks required and optional properties, and closes objects without additional properties", () => {
    const schema = {
      type: "object", additionalProperties: false, required: ["site"],
      properties: { site: { type: "string" }, "note-text": { type: "string", default: "" } },
    };
    expect(typeOfSchema(schema)).toBe('{\n  site: string;\n  /** Default: "". */\n  "note-text"?: string;\n}');
    expect(typeOfSchema({ type: "object", additionalProperties: false })).toBe("{\n  [key: string]: never;\n}");
  });

  it("leaves objects open with an index signature that every property fits", () => {
    expect(typeOfSchema({ type: "object" })).toBe("{\n  [key: string]: unknown;\n}");
    expect(typeOfSchema({ type: "object", additionalProperties: { type: "number" } })).toBe("{\n  [key: string]: number;\n}");
    expect(typeOfSchema({ type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "number" } }))
      .toBe("{\n  a?: string;\n  [key: string]: unknown;\n}");
  });

  it("indents nested objects under their property", () => {
    const schema = { type: "object", additionalProperties: false, required: ["at"], properties: { at: { type: "object", additionalProperties: false, required: ["lat"], properties: { lat: { type: "number" } } } } };
    expect(typeOfSchema(schema)).toBe("{\n  at: {\n    lat: number;\n  };\n}");
  });

  it("follows local references and stops at cycles", () => {
    const schema = {
      type: "object", additionalProperties: false, required: ["child"],
      properties: { child: { $ref: "#/$defs/node" } },
      $defs: { node: { type: "object", additionalProperties: false, required: ["name"], properties: { name: { type: "string" }, parent: { $ref: "#/$defs/node" } } } },
    };
    // A recursive type would need a named declaration; the second visit of a reference is unknown.
    expect(typeOfSchema(schema)).toBe("{\n  child: {\n    name: string;\n    parent?: unknown;\n  };\n}");
    expect(typeOfSchema({ $ref: "https://example.com/other.json" })).toBe("unknown");
  });

  it("unions anyOf and oneOf branches, intersects allOf, and says unknown for what it cannot type", () => {
    expect(typeOfSchema({ anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] })).toBe("string | string[]");
    expect(typeOfSchema({ oneOf: [{ type: "string" }, {}] })).toBe("unknown");
    expect(typeOfSchema({ allOf: [{ type: "object", properties: { a: { type: "string" } } }, { type: "object", properties: { b: { type: "number" } } }] }))
      .toBe("{\n  a?: string;\n  [key: string]: unknown;\n} & {\n  b?: number;\n  [key: string]: unknown;\n}");
    expect(typeOfSchema({})).toBe("unknown");
    expect(typeOfSchema(true)).toBe("unknown");
    expect(typeOfSchema(false)).toBe("never");
    expect(typeOfSchema({ not: { type: "string" } })).toBe("unknown");
  });

  it("keeps a description's comment from closing early", () => {
    const schema = { type: "object", additionalProperties: false, properties: { a: { type: "string", description: "ends */ here", format: "email" } } };
    expect(typeOfSchema(schema)).toBe("{\n  /** ends *\\/ here Format: email. */\n  a?: string;\n}");
  });
});

describe("typeIdentifiers", () => {
  it("PascalCases type names and keeps colliding ones apart", () => {
    const names = typeIdentifiers(["visit", "field_report", "memo_1", "memo1", "syncdesk_types"], ["SyncdeskTypes"]);
    expect(Object.fromEntries(names)).toEqual({
      visit: "Visit", field_report: "FieldReport", memo_1: "Memo_1_", memo1: "Memo1_", syncdesk_types: "Syncdesk_Types_",
    });
    expect(new Set(names.values()).size).toBe(5);
  });
});
