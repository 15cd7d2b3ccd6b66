// Role checks of the device procedures: allowed for the minimum role, FORBIDDEN for the role below,
// UNAUTHORIZED when nobody is logged in; a refused call changes nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeviceContext } from "@/server/devices/register";
import type { Role } from "@/server/staff/roles";
import { configureTestEnv, connectDevice, createStaffAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

configureTestEnv();

let db: TestDatabase;
let phone: DeviceContext;
beforeEach(async () => {
  db = await createTestDatabase();
  phone = await connectDevice(db.prisma, "alice", { deviceId: "phone" });
});
afterEach(() => db.close());

const createCaller = createCallerFactory(appRouter);
async function callerAs(role: Role | null) {
  return createCaller({ db: db.prisma, staff: role ? await createStaffAs(db.prisma, role) : null });
}
const revokedAt = async () => (await db.prisma.device.findUniqueOrThrow({ where: { id: phone.deviceRef } })).revokedAt;

describe("devices router", () => {
  it("list and get: viewer allowed, nobody logged in UNAUTHORIZED", async () => {
    const viewer = await callerAs("viewer");
    const page = await viewer.devices.list({ q: "pho" });
    expect(page.devices.map((d) => d.id)).toEqual([phone.deviceRef]);
    expect(await viewer.devices.get({ id: phone.deviceRef })).toMatchObject({ deviceId: "phone", userId: "alice" });
    const nobody = await callerAs(null);
    await expect(nobody.devices.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.devices.get({ id: phone.deviceRef })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("maps domain errors and bad input to tRPC codes", async () => {
    const viewer = await callerAs("viewer");
    await expect(viewer.devices.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(viewer.devices.get({ id: "phone" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(viewer.devices.list({ cursor: "forged" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("revoke: operator allowed, support FORBIDDEN, nobody UNAUTHORIZED", async () => {
    await expect((await callerAs("support")).devices.revoke({ id: phone.deviceRef })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await callerAs(null)).devices.revoke({ id: phone.deviceRef })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await revokedAt()).toBeNull();
    expect(await db.prisma.auditEntry.count({ where: { action: "device.revoke" } })).toBe(0);
    const outcome = await (await callerAs("operator")).devices.revoke({ id: phone.deviceRef });
    expect(outcome).toMatchObject({ changed: true });
    expect(await revokedAt()).not.toBeNull();
  });

  it("restore: operator allowed, support FORBIDDEN, nobody UNAUTHORIZED", async () => {
    await db.prisma.device.update({ where: { id: phone.deviceRef }, data: { revokedAt: new Date() } });
    await expect((await callerAs("support")).devices.restore({ id: phone.deviceRef })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await callerAs(null)).devices.restore({ id: phone.deviceRef })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await revokedAt()).not.toBeNull();
    const outcome = await (await callerAs("operator")).devices.restore({ id: phone.deviceRef });
    expect(outcome).toMatchObject({ changed: true, revokedAt: null });
    expect(await revokedAt()).toBeNull();
  });
});
