// One conflict for the console: the per-field comparison, the record as it is now, detection of
// a record that moved on since the conflict opened, and who resolved it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callerFor, makeStaff, meter, openMeterConflict, pushItems } from "@/test/support/console";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getConflictForConsole } from "@/server/conflicts/console-get";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

describe("getConflictForConsole", () => {
  it("compares every field across base, server and client, conflicting fields first", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    const view = await getConflictForConsole(db.prisma, opened.conflictId);

    expect(view.conflict).toMatchObject({ id: opened.conflictId, status: "open", base_version: 1, server_version: 2, fields: ["reading"] });
    expect(view.current).toMatchObject({ version: 2, data: meter(opened.code, 2), deleted: false });
    expect(view.changedSinceOpened).toBe(false);
    expect(view.userId).toBe("ann");
    expect(view.device).toEqual({ ref: opened.device.deviceRef, deviceId: opened.device.deviceId });
    expect(view.typeConfigured).toBe(true);
    expect(view.resolver).toBeNull();
    expect(view.comparison.map((r) => r.field)).toEqual(["reading", "code", "unit"]);
    expect(view.comparison[0]).toEqual({
      field: "reading", inConflict: true, base: 1, server: 2, client: 3, current: undefined,
      changedByServer: true, changedByClient: true, differs: true, changedSinceOpened: false,
    });
    expect(view.comparison[1]).toMatchObject({
      field: "code", inConflict: false, base: opened.code, server: opened.code, client: opened.code,
      changedByServer: false, changedByClient: false, differs: false,
    });
  });

  it("says when the record changed since the conflict opened, with the current values", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    await pushItems(db.prisma, opened.other, [
      { type: "meter", action: "update", id: opened.recordId, base_version: 2, data: meter(opened.code, 5, "MWh") },
    ]);
    const view = await getConflictForConsole(db.prisma, opened.conflictId);

    expect(view.changedSinceOpened).toBe(true);
    expect(view.current).toMatchObject({ version: 3, data: meter(opened.code, 5, "MWh"), deleted: false });
    const byField = Object.fromEntries(view.comparison.map((r) => [r.field, r]));
    expect(byField.reading).toMatchObject({ server: 2, current: 5, changedSinceOpened: true });
    expect(byField.unit).toMatchObject({ server: "kWh", client: "kWh", current: "MWh", differs: false, changedSinceOpened: true });
    expect(byField.code).toMatchObject({ current: opened.code, changedSinceOpened: false });
  });

  it("shows a record deleted since the conflict opened as deleted, without data", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    await pushItems(db.prisma, opened.other, [{ type: "meter", action: "delete", id: opened.recordId, base_version: 2 }]);
    const view = await getConflictForConsole(db.prisma, opened.conflictId);
    expect(view.changedSinceOpened).toBe(true);
    expect(view.current).toMatchObject({ version: 3, data: null, deleted: true });
    expect(view.comparison.every((r) => r.current === undefined && r.changedSinceOpened)).toBe(true);
  });

  it("names who resolved a conflict, how and when, and no longer flags the resolution's own write", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    const support = await makeStaff(db.prisma, "support");
    await callerFor(db.prisma, support).conflicts.resolve({ id: opened.conflictId, resolution: "accept_client", expectedVersion: 2 });
    const view = await getConflictForConsole(db.prisma, opened.conflictId);

    expect(view.conflict).toMatchObject({ status: "resolved", resolution: "accept_client", resolved_by: `staff:${support.id}` });
    expect(view.conflict.resolved_at).toEqual(expect.any(String));
    expect(view.resolver).toEqual({ type: "staff", id: support.id, label: support.email });
    expect(view.current).toMatchObject({ version: 3, data: meter(opened.code, 3) });
    expect(view.changedSinceOpened).toBe(false);
  });

  it("answers not_found for an unknown or malformed id", async () => {
    await expect(getConflictForConsole(db.prisma, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
    await expect(getConflictForConsole(db.prisma, "nope")).rejects.toMatchObject({ code: "not_found" });
  });
});
