// Staff resolving from the console (the same resolveConflict as the device route): a resolution
// decided on a stale record version is refused and writes nothing; an accepted one is audited
// with the record before and after and reaches devices on their next pull.
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  callerFor, makeStaff, meter, openMeterConflict, pullEverything, pushItems, snapshotWrites, tokenAfterBootstrap,
} from "@/test/support/console";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import type { StaffIdentity } from "@/server/staff/accounts";

let db: TestDatabase;
let support: StaffIdentity;
beforeEach(async () => {
  db = await createTestDatabase();
  support = await makeStaff(db.prisma, "support");
});
afterEach(() => db.close());

const asStaff = () => callerFor(db.prisma, support).conflicts;
const readRecord = (key: { stream: string; type: string; id: string }) =>
  db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: key } });

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("conflicts.resolve (staff)", () => {
  const choices = [
    { resolution: "accept_server" as const },
    { resolution: "accept_client" as const },
    { resolution: "manual_merge" as const, data: { code: "MERGED", reading: 9, unit: "kWh" } },
  ];
  for (const choice of choices) {
    it(`refuses ${choice.resolution} decided on a version the record has left, writes nothing, then succeeds on the shown version`, async () => {
      const opened = await openMeterConflict(db.prisma, "ann");
      // Someone else writes while the person looks at version 2.
      await pushItems(db.prisma, opened.other, [
        { type: "meter", action: "update", id: opened.recordId, base_version: 2, data: meter(opened.code, 5) },
      ]);
      const before = await snapshotWrites(db.prisma);

      const error = await refusal(asStaff().resolve({ id: opened.conflictId, ...choice, expectedVersion: 2 }));
      expect(error.code).toBe("CONFLICT");
      expect(error.cause).toMatchObject({ code: "conflict", details: { current_version: 3, current_data: meter(opened.code, 5), current_deleted: false } });
      expect(await snapshotWrites(db.prisma)).toEqual(before);

      const retried = await asStaff().resolve({ id: opened.conflictId, ...choice, expectedVersion: 3 });
      expect(retried.conflict).toMatchObject({ status: "resolved", resolution: choice.resolution });
      const expectedVersion = choice.resolution === "accept_server" ? 3 : 4;
      expect((await readRecord(opened.key)).version).toBe(expectedVersion);
    });
  }

  it("accept_client as staff: audited with actor and record before/after; a device pulls the change with its hint", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    const token = await tokenAfterBootstrap(db.prisma, opened.other);

    const result = await asStaff().resolve({ id: opened.conflictId, resolution: "accept_client", expectedVersion: 2 });
    expect(result.record).toMatchObject({ version: 3, data: meter(opened.code, 3), deleted: false });
    expect(result.conflict).toMatchObject({ status: "resolved", resolved_by: `staff:${support.id}`, resolved_data: meter(opened.code, 3) });

    const audit = await db.prisma.auditEntry.findMany({ where: { targetType: "conflict", targetId: opened.conflictId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "staff", actorId: support.id, action: "conflict.resolve" });
    expect(audit[0]?.details).toMatchObject({
      resolution: "accept_client",
      before: { version: 2, data: meter(opened.code, 2), deleted: false },
      after: { version: 3, data: meter(opened.code, 3), deleted: false },
    });

    const changes = await pullEverything(db.prisma, opened.other, token);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ id: opened.recordId, op: "upsert", version: 3, data: meter(opened.code, 3) });
    expect(changes[0]?.conflict).toEqual({ conflict_id: opened.conflictId, fields: ["reading"], reason: "accept_client" });
  });

  it("accept_server as staff keeps the record: no change to pull, audit before equals after", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    const token = await tokenAfterBootstrap(db.prisma, opened.other);
    await asStaff().resolve({ id: opened.conflictId, resolution: "accept_server", expectedVersion: 2 });
    expect(await pullEverything(db.prisma, opened.other, token)).toEqual([]);
    const entry = await db.prisma.auditEntry.findFirstOrThrow({ where: { targetId: opened.conflictId } });
    expect(entry.details).toMatchObject({ before: { version: 2, data: meter(opened.code, 2) }, after: { version: 2, data: meter(opened.code, 2) } });
  });

  it("refuses a manual merge failing the type's schema with field errors, and writes nothing", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    const before = await snapshotWrites(db.prisma);
    const error = await refusal(asStaff().resolve({
      id: opened.conflictId, resolution: "manual_merge", data: { code: opened.code, reading: "high", unit: "kWh" }, expectedVersion: 2,
    }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause).toMatchObject({ details: { fields: [expect.objectContaining({ field: "data.reading" })] } });
    expect(await snapshotWrites(db.prisma)).toEqual(before);
  });

  it("refuses a second resolution with CONFLICT naming the first", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    await asStaff().resolve({ id: opened.conflictId, resolution: "accept_server", expectedVersion: 2 });
    const error = await refusal(asStaff().resolve({ id: opened.conflictId, resolution: "accept_client", expectedVersion: 2 }));
    expect(error.code).toBe("CONFLICT");
    expect(error.cause).toMatchObject({ details: { resolution: "accept_server" } });
  });
});

describe("conflicts.validateMerge", () => {
  it("reports schema errors and unique clashes per field, and accepts valid data, writing nothing", async () => {
    const opened = await openMeterConflict(db.prisma, "ann");
    const taken = await openMeterConflict(db.prisma, "ann");
    const before = await snapshotWrites(db.prisma);

    const bad = await asStaff().validateMerge({ id: opened.conflictId, data: { code: opened.code, reading: "x", unit: "kWh", extra: 1 } });
    expect(bad.ok).toBe(false);
    expect(bad.fields.map((f) => f.field).sort()).toEqual(["extra", "reading"]);

    const clash = await asStaff().validateMerge({ id: opened.conflictId, data: meter(taken.code, 4) });
    expect(clash).toEqual({ ok: false, fields: [{ field: "code", message: expect.stringContaining("code") }] });

    expect(await asStaff().validateMerge({ id: opened.conflictId, data: meter(opened.code, 4) })).toEqual({ ok: true, fields: [] });
    expect(await snapshotWrites(db.prisma)).toEqual(before);
  });
});
