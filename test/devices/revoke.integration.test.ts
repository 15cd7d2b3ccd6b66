// Revoke and restore: one transaction with an audit entry (before/after), idempotent, and a revoked
// device refused on its next request.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StaffIdentity } from "@/server/staff/accounts";
import { configureTestEnv, connectDevice, createStaffAs, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { restoreDevice, revokeDevice } from "@/server/devices/revoke";

configureTestEnv();

let db: TestDatabase;
let operator: StaffIdentity;
beforeEach(async () => {
  db = await createTestDatabase();
  operator = await createStaffAs(db.prisma, "operator");
});
afterEach(() => db.close());

const deviceAudit = () =>
  db.prisma.auditEntry.findMany({ where: { targetType: "device" }, orderBy: { id: "asc" } });

describe("revokeDevice / restoreDevice", () => {
  it("revokes with an audit entry, refuses the device's next request, and restores it again", async () => {
    const phone = await connectDevice(db.prisma, "alice", { deviceId: "phone" });
    const revoked = await revokeDevice(db.prisma, operator, phone.deviceRef);
    expect(revoked).toMatchObject({ id: phone.deviceRef, changed: true, revokedAt: expect.any(Date) });
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: phone.deviceRef } });
    expect(row.revokedAt?.toISOString()).toBe(revoked.revokedAt?.toISOString());

    await expect(connectDevice(db.prisma, "alice", { deviceId: "phone" })).rejects.toMatchObject({ code: "device_revoked" });
    // Another device of the same user is not affected.
    await expect(connectDevice(db.prisma, "alice", { deviceId: "tablet" })).resolves.toMatchObject({ deviceId: "tablet" });

    const restored = await restoreDevice(db.prisma, operator, phone.deviceRef);
    expect(restored).toMatchObject({ changed: true, revokedAt: null });
    const again = await connectDevice(db.prisma, "alice", { deviceId: "phone" });
    expect((await pushAs(db.prisma, again, 1, [{ type: "memo", id: "m", action: "create", data: memo("m") }])).status).toBe("applied");

    const audit = await deviceAudit();
    expect(audit.map((a) => [a.action, a.actorType, a.actorId, a.targetId])).toEqual([
      ["device.revoke", "staff", operator.id, phone.deviceRef],
      ["device.restore", "staff", operator.id, phone.deviceRef],
    ]);
    const revokedAt = revoked.revokedAt?.toISOString();
    expect(audit[0]?.details).toMatchObject({
      user_id: "alice", device_id: "phone", before: { revoked_at: null }, after: { revoked_at: revokedAt },
    });
    expect(audit[1]?.details).toMatchObject({ before: { revoked_at: revokedAt }, after: { revoked_at: null } });
  });

  it("is idempotent: repeating either action changes nothing and records nothing", async () => {
    const phone = await connectDevice(db.prisma, "alice");
    expect(await restoreDevice(db.prisma, operator, phone.deviceRef)).toEqual({ id: phone.deviceRef, revokedAt: null, changed: false });
    const first = await revokeDevice(db.prisma, operator, phone.deviceRef);
    const second = await revokeDevice(db.prisma, operator, phone.deviceRef);
    expect(second).toEqual({ id: phone.deviceRef, revokedAt: first.revokedAt, changed: false });
    expect((await deviceAudit()).map((a) => a.action)).toEqual(["device.revoke"]);
  });

  it("answers not_found for an unknown device and writes nothing", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    await expect(revokeDevice(db.prisma, operator, missing)).rejects.toMatchObject({ code: "not_found" });
    await expect(restoreDevice(db.prisma, operator, missing)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeDevice(db.prisma, operator, "phone")).rejects.toMatchObject({ code: "not_found" });
    expect(await deviceAudit()).toEqual([]);
  });
});
