// The staff conflict inbox: every filter narrows to exactly the matching conflicts, and keyset
// paging visits each conflict once, newest first, even when several share a created_at.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeDevice, openMeterConflict, openSubmissionConflict, makeStaff, callerFor } from "@/test/support/console";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { AppError } from "@/server/errors";
import { listConflictsForConsole, type ConsoleConflictQuery } from "@/server/conflicts/console-list";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const ids = async (query: Partial<ConsoleConflictQuery>, now?: Date) =>
  (await listConflictsForConsole(db.prisma, { status: "open", limit: 50, ...query }, now)).rows.map((r) => r.id).sort();
const sorted = (...values: string[]) => [...values].sort();

async function setCreatedAt(id: string, at: Date) {
  await db.prisma.conflict.update({ where: { id }, data: { createdAt: at } });
}

describe("listConflictsForConsole", () => {
  it("filters by status, type, user and device (its own id or its console id)", async () => {
    const tablet = await makeDevice(db.prisma, "ann", "ann-tablet");
    const c1 = await openMeterConflict(db.prisma, "ann", tablet);
    const c2 = await openMeterConflict(db.prisma, "ann");
    const c3 = await openMeterConflict(db.prisma, "ann", tablet);
    const s1 = await openSubmissionConflict(db.prisma, "ben");
    const support = await makeStaff(db.prisma, "support");
    await callerFor(db.prisma, support).conflicts.resolve({ id: c3.conflictId, resolution: "accept_server", expectedVersion: 2 });

    expect(await ids({})).toEqual(sorted(c1.conflictId, c2.conflictId, s1));
    expect(await ids({ status: "resolved" })).toEqual([c3.conflictId]);
    expect(await ids({ status: "all" })).toHaveLength(4);
    expect(await ids({ type: "submission" })).toEqual([s1]);
    expect(await ids({ type: "meter", status: "all" })).toEqual(sorted(c1.conflictId, c2.conflictId, c3.conflictId));
    expect(await ids({ userId: "ann" })).toEqual(sorted(c1.conflictId, c2.conflictId));
    expect(await ids({ userId: "ben", type: "meter" })).toEqual([]);
    expect(await ids({ device: "ann-tablet", status: "all" })).toEqual(sorted(c1.conflictId, c3.conflictId));
    expect(await ids({ device: c2.device.deviceRef })).toEqual([c2.conflictId]);
    expect(await ids({ device: "no-such-device" })).toEqual([]);

    const page = await listConflictsForConsole(db.prisma, { status: "open", userId: "ann", device: "ann-tablet", limit: 10 });
    expect(page.rows).toEqual([
      expect.objectContaining({
        id: c1.conflictId, type: "meter", recordId: c1.recordId, userId: "ann", status: "open", policy: "manual",
        fields: ["reading"], clientAction: "update", resolution: null, device: { ref: tablet.deviceRef, deviceId: "ann-tablet" },
      }),
    ]);
  });

  it("filters by age: older than N hours, opened within N hours, and a created window", async () => {
    const now = new Date("2030-03-10T12:00:00Z");
    const old = await openMeterConflict(db.prisma, "ann");
    const recent = await openMeterConflict(db.prisma, "ann");
    const fresh = await openMeterConflict(db.prisma, "ann");
    await setCreatedAt(old.conflictId, new Date("2030-03-08T12:00:00Z"));
    await setCreatedAt(recent.conflictId, new Date("2030-03-10T10:00:00Z"));
    await setCreatedAt(fresh.conflictId, new Date("2030-03-10T11:59:00Z"));

    expect(await ids({ olderThanHours: 24 }, now)).toEqual([old.conflictId]);
    expect(await ids({ olderThanHours: 1 }, now)).toEqual(sorted(old.conflictId, recent.conflictId));
    expect(await ids({ newerThanHours: 3 }, now)).toEqual(sorted(recent.conflictId, fresh.conflictId));
    expect(await ids({ newerThanHours: 3, olderThanHours: 1 }, now)).toEqual([recent.conflictId]);
    const window = { createdAfter: new Date("2030-03-08T00:00:00Z"), createdBefore: new Date("2030-03-10T10:00:00Z") };
    expect(await ids(window, now)).toEqual([old.conflictId]);
  });

  it("pages newest first by (created_at, id), each conflict exactly once, ties included", async () => {
    const opened = [];
    for (let i = 0; i < 5; i++) opened.push((await openMeterConflict(db.prisma, "ann")).conflictId);
    const tie = new Date("2030-01-01T00:00:00Z");
    for (const id of opened.slice(0, 3)) await setCreatedAt(id, tie);
    await setCreatedAt(opened[3] ?? "", new Date("2030-01-02T00:00:00Z"));
    await setCreatedAt(opened[4] ?? "", new Date("2029-12-31T00:00:00Z"));
    const tied = opened.slice(0, 3).sort().reverse();
    const expected = [opened[3], ...tied, opened[4]];

    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await listConflictsForConsole(db.prisma, { status: "open", limit: 2, ...(cursor ? { cursor } : {}) });
      sizes.push(page.rows.length);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(expected);
  });

  it("refuses a forged cursor as invalid_request", async () => {
    const forged = Buffer.from("not-a-date|x").toString("base64url");
    const attempt = listConflictsForConsole(db.prisma, { status: "open", limit: 5, cursor: forged });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "invalid_request" });
  });
});
