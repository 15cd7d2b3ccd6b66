// Staff accounts as an admin manages them: one-time passwords that must be replaced, role changes,
// disabling, resets, an audit entry for each, and never losing the last enabled admin.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTestEnv, createStaffAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getActiveStaff, getSessionAccount, checkStaffPassword } from "@/server/staff/accounts";
import { changeOwnPassword } from "@/server/staff/change-password";
import { listStaff } from "@/server/staff/list";
import { createStaffAccount, resetStaffPassword, setStaffDisabled, setStaffRole } from "@/server/staff/manage";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const audited = async (action: string, targetId: string) =>
  db.prisma.auditEntry.findMany({ where: { action, targetId }, select: { actorType: true, actorId: true, details: true } });

// Each test hashes and checks several bcrypt (cost 12) passwords: seconds on a busy machine.
const BCRYPT_HEAVY = 60_000;

describe("staff management", () => {
  it("creates an account whose one-time password opens only the password change, once", async () => {
    const admin = await createStaffAs(db.prisma, "admin");
    const { account, oneTimePassword } = await createStaffAccount(db.prisma, admin, { email: "New.Person@Example.test", role: "support" });
    expect(account).toMatchObject({ email: "new.person@example.test", role: "support" });
    expect(await audited("staff.create", account.id)).toEqual([
      { actorType: "staff", actorId: admin.id, details: { email: "new.person@example.test", role: "support", one_time_password: true } },
    ]);
    // It logs in, but has no console until it chose its own password.
    expect(await checkStaffPassword(db.prisma, account.email, oneTimePassword)).toMatchObject({ id: account.id });
    expect(await getActiveStaff(db.prisma, account.id)).toBeNull();
    expect(await getSessionAccount(db.prisma, account.id)).toMatchObject({ mustChangePassword: true });

    await expect(changeOwnPassword(db.prisma, account.id, "wrong-password-123", "a-new-password-1")).rejects.toMatchObject({ code: "invalid_request" });
    await expect(changeOwnPassword(db.prisma, account.id, oneTimePassword, "short")).rejects.toMatchObject({ code: "invalid_request" });
    await expect(changeOwnPassword(db.prisma, account.id, oneTimePassword, oneTimePassword)).rejects.toMatchObject({ code: "invalid_request" });
    expect(await getActiveStaff(db.prisma, account.id)).toBeNull();
    await changeOwnPassword(db.prisma, account.id, oneTimePassword, "a-new-password-1");
    expect(await getActiveStaff(db.prisma, account.id)).toMatchObject({ role: "support" });
    expect(await checkStaffPassword(db.prisma, account.email, oneTimePassword)).toBeNull();
    expect(await audited("staff.password_change", account.id)).toEqual([{ actorType: "staff", actorId: account.id, details: { was_one_time: true } }]);
    await expect(createStaffAccount(db.prisma, admin, { email: account.email, role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
  }, BCRYPT_HEAVY);

  it("changes roles, disables and enables, and resets passwords, audited", async () => {
    const admin = await createStaffAs(db.prisma, "admin");
    const viewer = await createStaffAs(db.prisma, "viewer");
    expect(await setStaffRole(db.prisma, admin, viewer.id, "operator")).toEqual({ changed: true });
    expect(await setStaffRole(db.prisma, admin, viewer.id, "operator")).toEqual({ changed: false });
    expect(await getActiveStaff(db.prisma, viewer.id)).toMatchObject({ role: "operator" });
    expect((await audited("staff.role", viewer.id)).map((a) => a.details)).toEqual([{ email: viewer.email, before: "viewer", after: "operator" }]);

    expect(await setStaffDisabled(db.prisma, admin, viewer.id, true)).toEqual({ changed: true });
    expect(await getActiveStaff(db.prisma, viewer.id)).toBeNull();
    expect(await setStaffDisabled(db.prisma, admin, viewer.id, false)).toEqual({ changed: true });
    expect(await getActiveStaff(db.prisma, viewer.id)).not.toBeNull();
    expect(await audited("staff.disable", viewer.id)).toHaveLength(1);
    expect(await audited("staff.enable", viewer.id)).toHaveLength(1);

    const { oneTimePassword } = await resetStaffPassword(db.prisma, admin, viewer.id);
    expect(await checkStaffPassword(db.prisma, viewer.email, oneTimePassword)).not.toBeNull();
    expect(await getActiveStaff(db.prisma, viewer.id)).toBeNull();
    expect(await audited("staff.password_reset", viewer.id)).toHaveLength(1);
    const listed = (await listStaff(db.prisma)).find((s) => s.id === viewer.id);
    expect(listed).toMatchObject({ mustChangePassword: true, hasPassword: true, role: "operator" });
    expect(JSON.stringify(await listStaff(db.prisma))).not.toMatch(/passwordHash|\$2[aby]\$/);
    await expect(setStaffRole(db.prisma, admin, "00000000-0000-4000-8000-000000000000", "viewer")).rejects.toMatchObject({ code: "not_found" });
  }, BCRYPT_HEAVY);

  it("never disables or demotes the last enabled admin, and changes nothing when it refuses", async () => {
    const admin = await createStaffAs(db.prisma, "admin");
    await expect(setStaffRole(db.prisma, admin, admin.id, "operator")).rejects.toMatchObject({ code: "conflict" });
    await expect(setStaffDisabled(db.prisma, admin, admin.id, true)).rejects.toMatchObject({ code: "conflict" });
    expect(await getActiveStaff(db.prisma, admin.id)).toMatchObject({ role: "admin" });
    expect(await db.prisma.auditEntry.count({ where: { action: { in: ["staff.role", "staff.disable"] } } })).toBe(0);

    // A disabled admin does not count: the other must stay.
    const second = await createStaffAs(db.prisma, "admin");
    await setStaffDisabled(db.prisma, admin, second.id, true);
    await expect(setStaffRole(db.prisma, second, admin.id, "viewer")).rejects.toMatchObject({ code: "conflict" });
    await setStaffDisabled(db.prisma, admin, second.id, false);
    // With two, one may go; then the other is the last.
    await setStaffRole(db.prisma, admin, second.id, "support");
    await expect(setStaffDisabled(db.prisma, admin, admin.id, true)).rejects.toMatchObject({ code: "conflict" });
  }, BCRYPT_HEAVY);

  it("lets two admins demote each other at once only one way", async () => {
    const a = await createStaffAs(db.prisma, "admin");
    const b = await createStaffAs(db.prisma, "admin");
    const outcomes = await Promise.allSettled([setStaffRole(db.prisma, a, b.id, "viewer"), setStaffRole(db.prisma, b, a.id, "viewer")]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await db.prisma.staffUser.count({ where: { role: "admin", disabledAt: null } })).toBe(1);
  }, BCRYPT_HEAVY);
});
