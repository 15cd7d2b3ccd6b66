// Role checks of the sync batch procedures: allowed for the minimum role, FORBIDDEN for the role
// below, UNAUTHORIZED when nobody is logged in; a refused replay records nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "@/server/staff/roles";
import type { TPushResponse } from "@syncdesk/protocol";
import { configureTestEnv, connectDevice, createStaffAs, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";
import { ZBatchList } from "@/server/trpc/routers/batches/schema";

configureTestEnv();

let db: TestDatabase;
let failed: TPushResponse;
beforeEach(async () => {
  db = await createTestDatabase();
  const phone = await connectDevice(db.prisma, "alice", { deviceId: "phone" });
  failed = await pushAs(db.prisma, phone, 1, [{ type: "memo", id: "x", action: "update", base_version: 1, data: memo("x2") }]);
  await pushAs(db.prisma, phone, 2, [{ type: "memo", id: "x", action: "create", data: memo("x") }]);
});
afterEach(() => db.close());

const createCaller = createCallerFactory(appRouter);
async function callerAs(role: Role | null) {
  return createCaller({ db: db.prisma, staff: role ? await createStaffAs(db.prisma, role) : null });
}

describe("batches router", () => {
  it("list and get: viewer allowed, nobody logged in UNAUTHORIZED", async () => {
    const viewer = await callerAs("viewer");
    const page = await viewer.batches.list({ status: "rejected" });
    expect(page.batches.map((b) => b.id)).toEqual([failed.batch_id]);
    expect(await viewer.batches.get({ id: failed.batch_id })).toMatchObject({ id: failed.batch_id, retriable: [0] });
    const nobody = await callerAs(null);
    await expect(nobody.batches.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.batches.get({ id: failed.batch_id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(viewer.batches.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(viewer.batches.get({ id: "batch-1" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(ZBatchList.safeParse({ status: "processing" }).success).toBe(false);
  });

  it("replay: operator allowed, support FORBIDDEN, nobody UNAUTHORIZED", async () => {
    await expect((await callerAs("support")).batches.replay({ id: failed.batch_id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await callerAs(null)).batches.replay({ id: failed.batch_id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await db.prisma.batchAttempt.count()).toBe(0);
    const outcome = await (await callerAs("operator")).batches.replay({ id: failed.batch_id });
    expect(outcome).toMatchObject({ replayed: true, attempt: 2, status: "applied" });
    expect(await db.prisma.batchAttempt.count()).toBe(1);
  });

  it("replay of a revoked device's batch is a CONFLICT", async () => {
    await db.prisma.device.updateMany({ data: { revokedAt: new Date() } });
    await expect((await callerAs("admin")).batches.replay({ id: failed.batch_id })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
