import { describe, expect, it } from "vitest";
import { decideConflict, differingFields, mergeThreeWay, type ConflictInput } from "./policies";

const at = (iso: string) => new Date(iso);
const input = (over: Partial<ConflictInput>): ConflictInput => ({
  policy: "lww",
  rules: {},
  client: { a: 1 },
  server: { a: 2 },
  base: { a: 0 },
  clientUpdatedAt: null,
  serverUpdatedAt: at("2026-01-01T10:00:00.000Z"),
  clientVersion: null,
  serverVersion: 3,
  ...over,
});

describe("lww", () => {
  it("lets a later client edit win, by one millisecond", () => {
    expect(decideConflict(input({ clientUpdatedAt: at("2026-01-01T10:00:00.001Z") }))).toEqual({ outcome: "client_wins" });
  });
  it("gives ties and missing timestamps to the server", () => {
    expect(decideConflict(input({ clientUpdatedAt: at("2026-01-01T10:00:00.000Z") }))).toEqual({ outcome: "server_wins" });
    expect(decideConflict(input({ clientUpdatedAt: null }))).toEqual({ outcome: "server_wins" });
  });
});

describe("version", () => {
  it("lets a higher client_version win and gives ties to the server", () => {
    expect(decideConflict(input({ policy: "version", clientVersion: 4 }))).toEqual({ outcome: "client_wins" });
    expect(decideConflict(input({ policy: "version", clientVersion: 3 }))).toEqual({ outcome: "server_wins" });
    expect(decideConflict(input({ policy: "version", clientVersion: null }))).toEqual({ outcome: "server_wins" });
  });
});

describe("merge", () => {
  it("merges disjoint field edits, including a removed field", () => {
    const merged = mergeThreeWay({ a: 1, b: 1, c: 1 }, { a: 2, b: 1, c: 1 }, { a: 1, b: 3 });
    expect(merged).toEqual({ ok: true, data: { a: 2, b: 3 } });
  });
  it("reports overlapping different edits and accepts identical ones", () => {
    expect(mergeThreeWay({ a: 1, b: 1 }, { a: 2, b: 5 }, { a: 3, b: 5 })).toEqual({ ok: false, fields: ["a"] });
    expect(mergeThreeWay({ a: 1 }, { a: 2 }, { a: 2 })).toEqual({ ok: true, data: { a: 2 } });
  });
  it("compares nested values structurally, whatever the key order", () => {
    const merged = mergeThreeWay({ d: { x: 1, y: 2 } }, { d: { y: 2, x: 1 }, s: "b" }, { d: { x: 1, y: 2 } });
    expect(merged).toEqual({ ok: true, data: { d: { y: 2, x: 1 }, s: "b" } });
  });
  it("stores a delete against an edit", () => {
    expect(decideConflict(input({ policy: "merge", client: null }))).toEqual({ outcome: "store", fields: ["a"] });
  });
  it("treats every differing field as overlapping when the base is unknown", () => {
    expect(decideConflict(input({ policy: "merge", base: null, client: { a: 1, b: 1 }, server: { a: 2, b: 1 } })))
      .toEqual({ outcome: "store", fields: ["a"] });
  });
});

describe("manual", () => {
  it("always stores, naming the differing fields", () => {
    expect(decideConflict(input({ policy: "manual", client: { a: 1, b: 2 }, server: { a: 1, b: 3, c: 0 } })))
      .toEqual({ outcome: "store", fields: ["b", "c"] });
  });
});

describe("differingFields", () => {
  it("treats a missing side as empty", () => {
    expect(differingFields(null, { a: 1 })).toEqual(["a"]);
    expect(differingFields({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
  });
});
