import { describe, expect, expectTypeOf, it } from "vitest";
import { Prisma } from "./generated/client";
import { toJsonInput, toNullableJsonInput, type JsonValue } from "./json";

describe("JSON column values", () => {
  it("passes JSON documents through unchanged", () => {
    const value = { name: "Ada", tags: ["a", 1, true, null], nested: { empty: {} } };
    expect(toJsonInput(value)).toBe(value);
    expect(toNullableJsonInput(value)).toBe(value);
  });

  it("says which null it means: JSON null for a value, SQL NULL for an empty column", () => {
    expect(toJsonInput(null)).toBe(Prisma.JsonNull);
    expect(toNullableJsonInput(null)).toBe(Prisma.DbNull);
  });

  it("refuses values that are not JSON at compile time", () => {
    expectTypeOf<{ at: Date }>().not.toMatchTypeOf<JsonValue>();
    expectTypeOf<{ n: bigint }>().not.toMatchTypeOf<JsonValue>();
    expectTypeOf<{ a: string; b: number[]; c?: boolean }>().toMatchTypeOf<JsonValue>();
  });
});
