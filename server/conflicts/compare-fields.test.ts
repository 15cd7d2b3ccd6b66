import { describe, expect, it } from "vitest";
import { compareFields } from "./compare-fields";

describe("compareFields", () => {
  it("puts conflicting fields first and tells apart absent, null and changed values", () => {
    const rows = compareFields({
      base: { a: 1, b: null, c: [1] },
      server: { a: 2, b: null, c: [1] },
      client: { a: 2, c: [1, 2], d: "new" },
      conflictFields: ["c"],
    });
    expect(rows.map((r) => r.field)).toEqual(["c", "a", "b", "d"]);
    const by = Object.fromEntries(rows.map((r) => [r.field, r]));
    expect(by.c).toMatchObject({ inConflict: true, changedByServer: false, changedByClient: true, differs: true });
    expect(by.a).toMatchObject({ changedByServer: true, changedByClient: true, differs: false });
    expect(by.b).toMatchObject({ base: null, client: undefined, changedByServer: false, changedByClient: true, differs: true });
    expect(by.d).toMatchObject({ base: undefined, client: "new", changedByClient: true });
    expect(rows.every((r) => r.changedSinceOpened === false && r.current === undefined)).toBe(true);
  });

  it("leaves who-changed unknown without a base, and compares a client delete and a moved record", () => {
    const rows = compareFields({
      base: null,
      server: { a: 1, b: 2 },
      client: null,
      current: { a: 1, b: 3 },
      conflictFields: ["a", "b"],
    });
    expect(rows).toEqual([
      { field: "a", inConflict: true, base: undefined, server: 1, client: undefined, current: 1, changedByServer: null, changedByClient: null, differs: true, changedSinceOpened: false },
      { field: "b", inConflict: true, base: undefined, server: 2, client: undefined, current: 3, changedByServer: null, changedByClient: null, differs: true, changedSinceOpened: true },
    ]);
  });

  it("compares objects by content, not key order", () => {
    const [row] = compareFields({ base: { o: { x: 1, y: 2 } }, server: { o: { y: 2, x: 1 } }, client: { o: { x: 1, y: 2 } }, conflictFields: [] });
    expect(row).toMatchObject({ changedByServer: false, differs: false });
  });
});
