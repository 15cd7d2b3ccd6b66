import { describe, expect, it } from "vitest";
import { diffRecordData } from "./diff";

describe("diffRecordData", () => {
  it("lists changed, added and removed top-level fields, in field order, and nothing unchanged", () => {
    const diff = diffRecordData({ a: 1, b: { x: [1] }, c: "gone" }, { a: 2, b: { x: [1] }, d: null });
    expect(diff).toEqual([
      { field: "a", change: "changed", before: 1, after: 2 },
      { field: "c", change: "removed", before: "gone", after: null },
      { field: "d", change: "added", before: null, after: null },
    ]);
  });

  it("treats a delete as removing every field and an undelete or first version as adding them", () => {
    expect(diffRecordData({ a: 1 }, null)).toEqual([{ field: "a", change: "removed", before: 1, after: null }]);
    expect(diffRecordData(null, { a: 1 })).toEqual([{ field: "a", change: "added", before: null, after: 1 }]);
    expect(diffRecordData({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
  });
});
