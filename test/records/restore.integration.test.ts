// Restoring an old version and undeleting, as an operator does from a record's page: written
// through the engine as the next version, pulled by devices with a staff-restore hint, audited, and
// refused without a write when the record moved on, the version is gone or the role is too low.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeviceContext } from "@/server/devices/register";
import type { Role } from "@/server/staff/roles";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";
import { bootstrapToken, configureTestEnv, connectDevice, createStaffAs, memo, pullAll, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getRecordOrThrow } from "@/server/records/get";

configureTestEnv();

let db: TestDatabase;
let phone: DeviceContext;
const key = { stream: "user:hana", type: "memo", id: "note" };
beforeEach(async () => {
  db = await createTestDatabase();
  phone = await connectDevice(db.prisma, "hana");
  await pushAs(db.prisma, phone, 1, [{ type: "memo", id: "note", action: "create", data: memo("the original") }]);
  await pushAs(db.prisma, phone, 2, [{ type: "memo", id: "note", action: "update", base_version: 1, data: memo("overwritten by mistake") }]);
});
afterEach(() => db.close());

const createCaller = createCallerFactory(appRouter);
async function callerAs(role: Role) {
  const staff = await createStaffAs(db.prisma, role);
  return { staff, caller: createCaller({ db: db.prisma, staff }) };
}
const current = () => db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: key }, select: { version: true, data: true, deleted: true } });
const restores = () => db.prisma.auditEntry.findMany({ where: { action: { in: ["record.restore", "record.undelete"] } } });

describe("restoring a record", () => {
  it("writes the old value as the next version, which devices pull with a staff-restore hint, audited", async () => {
    const token = await bootstrapToken(db.prisma, phone);
    const { staff, caller } = await callerAs("operator");
    const restored = await caller.records.restore({ ...key, version: 1, expectedVersion: 2, reason: "user asked for the original back" });
    expect(restored).toMatchObject({ version: 3, deleted: false, data: memo("the original") });
    expect(await current()).toMatchObject({ version: 3, data: memo("the original") });

    const { changes } = await pullAll(db.prisma, phone, token);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ version: 3, op: "upsert", data: memo("the original"), conflict: { reason: "staff_restore", fields: ["content"], restored_version: 1 } });

    const [audit] = await restores();
    expect(audit).toMatchObject({ actorType: "staff", actorId: staff.id, action: "record.restore", targetType: "record", targetId: "user:hana/memo/note" });
    expect(audit?.details).toMatchObject({ reason: "user asked for the original back", restored_version: 1, record_version: 3, before: { version: 2 }, after: { version: 3 } });

    const [latest] = (await getRecordOrThrow(db.prisma, key, { limit: 10 })).history.versions;
    expect(latest?.source).toEqual({ kind: "staff", action: "restore", restoredVersion: 1, staff: { id: staff.id, email: staff.email }, reason: "user asked for the original back" });
    expect(latest?.diff).toEqual([{ field: "content", change: "changed", before: "overwritten by mistake", after: "the original" }]);
  });

  it("undeletes a deleted record with the data it had", async () => {
    await pushAs(db.prisma, phone, 3, [{ type: "memo", id: "note", action: "delete", base_version: 2 }]);
    const { caller } = await callerAs("operator");
    await expect(caller.records.restore({ ...key, expectedVersion: 2, reason: "stale page" })).rejects.toMatchObject({ code: "CONFLICT" });
    const undeleted = await caller.records.restore({ ...key, expectedVersion: 3, reason: "deleted by accident" });
    expect(undeleted).toMatchObject({ version: 4, deleted: false, data: memo("overwritten by mistake") });
    expect((await restores()).map((a) => a.action)).toEqual(["record.undelete"]);
    const [latest] = (await getRecordOrThrow(db.prisma, key, { limit: 10 })).history.versions;
    expect(latest?.source).toMatchObject({ kind: "staff", action: "undelete", reason: "deleted by accident" });
    // A live record has nothing to undelete.
    await expect(caller.records.restore({ ...key, expectedVersion: 4, reason: "again" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses, writing nothing, when the record moved on, the version is compacted away, or the reason is missing", async () => {
    const { caller } = await callerAs("operator");
    await expect(caller.records.restore({ ...key, version: 1, expectedVersion: 1, reason: "old page" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(caller.records.restore({ ...key, version: 1, expectedVersion: 2, reason: "  " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.records.restore({ ...key, version: 2, expectedVersion: 2, reason: "the same" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.records.restore({ ...key, id: "nope", version: 1, expectedVersion: 1, reason: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await db.prisma.change.deleteMany({ where: { stream: key.stream, version: 1 } });
    await expect(caller.records.restore({ ...key, version: 1, expectedVersion: 2, reason: "compacted" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await current()).toMatchObject({ version: 2, data: memo("overwritten by mistake") });
    expect(await restores()).toEqual([]);
    expect((await db.prisma.stream.findUniqueOrThrow({ where: { name: key.stream } })).headSeq).toBe(2n);
  });

  it("is for operators: a viewer or support person is refused and nothing changes", async () => {
    for (const role of ["viewer", "support"] as const) {
      const { caller } = await callerAs(role);
      await expect(caller.records.restore({ ...key, version: 1, expectedVersion: 2, reason: "not allowed" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await current()).toMatchObject({ version: 2 });
    expect(await restores()).toEqual([]);
  });
});
