import { afterEach, describe, expect, it } from "vitest";
import { installConfig } from "@/test/support/types";
import { describeTypes } from "./describe-types";

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe("describeTypes", () => {
  it("lists the config's types with their fields, rules and constraints, then the built-in ones", () => {
    restore = installConfig({
      types: {
        visit: {
          version: 3, breaking: true, policy: "merge", unique_fields: ["site"],
          schema: {
            type: "object", additionalProperties: false, required: ["site", "status"],
            properties: {
              site: { type: "string", maxLength: 100 },
              status: { type: "string", enum: ["draft", "submitted", "approved"] },
              tags: { type: "array", items: { type: "string" } },
              note: { type: ["string", "null"], default: "" },
            },
          },
          fields: { tags: { merge: "union" }, status: { transitions: { draft: ["submitted"], submitted: ["approved"] }, immutable: false } },
          watermelon: { table: "visits" },
        },
      },
    }, "visits.config.json");
    const { file, types } = describeTypes();
    expect(file).toBe("visits.config.json");
    expect(types.map((t) => [t.name, t.builtIn])).toEqual([["visit", false], ["blob", true]]);
    const [visit] = types;
    expect(visit).toMatchObject({ version: 3, breaking: true, policy: "merge", closed: true, uniqueFields: ["site"], watermelonTable: "visits" });
    expect(visit?.fields).toEqual([
      { name: "site", type: "string", required: true, hasDefault: false, defaultValue: null, constraints: ["max length: 100"], rule: null },
      { name: "status", type: "string", required: true, hasDefault: false, defaultValue: null, constraints: ["one of: draft, submitted, approved"], rule: "transitions: draft → submitted, submitted → approved" },
      { name: "tags", type: "array of string", required: false, hasDefault: false, defaultValue: null, constraints: [], rule: "merge: union" },
      { name: "note", type: "string | null", required: false, hasDefault: true, defaultValue: '""', constraints: [], rule: null },
    ]);
  });

  it("shows a zod format without the pattern that implements it", () => {
    const diary = describeTypes().types.find((t) => t.name === "diary");
    expect(diary?.fields.find((f) => f.name === "date")?.constraints).toEqual(["format: date"]);
  });
});
