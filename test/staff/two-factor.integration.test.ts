// A staff account's TOTP second factor as its owner and an admin use it: enrolment that a code
// must confirm (a wrong one changes nothing), the code a password login then needs (each used
// once), the console login's answers and throttling, an admin's reset and the console-wide
// requirement, each audited, and the secret never handed out after enrolment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/server/auth/options";
import { totpAt } from "@/server/auth/totp";
import { setDatabase } from "@/server/db/client";
import { createStaff, getActiveStaff, getSessionAccount, type StaffIdentity } from "@/server/staff/accounts";
import { listStaff } from "@/server/staff/list";
import { logInWithPassword } from "@/server/staff/login";
import { getConsoleSettings, setRequireTwoFactor } from "@/server/staff/settings";
import { beginTwoFactorEnrolment, confirmTwoFactorEnrolment, resetTwoFactor } from "@/server/staff/two-factor";
import { configureTestEnv, createStaffAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

configureTestEnv();

const PASSWORD = "correct horse battery staple";
// Each test checks bcrypt (cost 12) passwords several times: seconds on a busy machine.
const BCRYPT_HEAVY = 60_000;
// A fixed moment, the middle of a 30-second step, so neighbouring steps are exactly ±30 s.
const NOW = Date.UTC(2026, 11, 4, 12, 0, 15);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
});
afterAll(() => db?.close());

let counter = 0;
async function staffWithPassword(): Promise<StaffIdentity> {
  counter += 1;
  return createStaff(db.prisma, { email: `tf-${counter}-${Date.now()}@example.test`, role: "support", password: PASSWORD });
}

const stored = (id: string) =>
  db.prisma.staffUser.findUniqueOrThrow({
    where: { id },
    select: { totpSecret: true, totpPendingSecret: true, totpEnabledAt: true, totpLastStep: true, lastLoginAt: true },
  });
const audited = (action: string, targetId: string) =>
  db.prisma.auditEntry.findMany({ where: { action, targetId }, select: { actorId: true, details: true }, orderBy: { id: "asc" } });

async function enrolled(now = NOW): Promise<{ staff: StaffIdentity; secret: string }> {
  const staff = await staffWithPassword();
  const { secret } = await beginTwoFactorEnrolment(db.prisma, staff.id);
  await confirmTwoFactorEnrolment(db.prisma, staff.id, totpAt(secret, now), now);
  return { staff, secret };
}

describe("enrolment", () => {
  it("keeps a new secret pending until a code from it confirms it; a wrong code changes nothing", async () => {
    const staff = await staffWithPassword();
    const { secret, uri } = await beginTwoFactorEnrolment(db.prisma, staff.id);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(`otpauth://totp/Syncdesk:${encodeURIComponent(staff.email)}?secret=${secret}&issuer=Syncdesk&algorithm=SHA1&digits=6&period=30`);
    expect(await stored(staff.id)).toMatchObject({ totpSecret: null, totpPendingSecret: secret, totpEnabledAt: null });

    const wrong = totpAt(secret, NOW + 5 * 60_000);
    await expect(confirmTwoFactorEnrolment(db.prisma, staff.id, wrong, NOW)).rejects.toMatchObject({ code: "invalid_request" });
    await expect(confirmTwoFactorEnrolment(db.prisma, staff.id, "12345", NOW)).rejects.toMatchObject({ code: "invalid_request" });
    expect(await stored(staff.id)).toEqual({ totpSecret: null, totpPendingSecret: secret, totpEnabledAt: null, totpLastStep: null, lastLoginAt: null });
    expect(await audited("staff.two_factor_enable", staff.id)).toEqual([]);
    expect((await logInWithPassword(db.prisma, { email: staff.email, password: PASSWORD }, NOW)).ok).toBe(true);

    await confirmTwoFactorEnrolment(db.prisma, staff.id, totpAt(secret, NOW), NOW);
    expect(await stored(staff.id)).toMatchObject({ totpSecret: secret, totpPendingSecret: null, totpEnabledAt: new Date(NOW) });
    expect(await audited("staff.two_factor_enable", staff.id)).toEqual([{ actorId: staff.id, details: {} }]);
    expect(await getSessionAccount(db.prisma, staff.id)).toMatchObject({ twoFactor: true, mustEnrolTwoFactor: false });
    await expect(beginTwoFactorEnrolment(db.prisma, staff.id)).rejects.toMatchObject({ code: "conflict" });
    // The admin's list says whether, never what.
    const listed = await listStaff(db.prisma);
    expect(listed.find((s) => s.id === staff.id)).toMatchObject({ twoFactor: true });
    expect(JSON.stringify(listed)).not.toContain(secret);
  }, BCRYPT_HEAVY);

  it("refuses a single sign-on account, whose identity provider owns the second factor", async () => {
    const sso = await createStaff(db.prisma, { email: `sso-${Date.now()}@example.test`, role: "viewer" });
    await expect(beginTwoFactorEnrolment(db.prisma, sso.id)).rejects.toMatchObject({ code: "forbidden" });
    expect(await stored(sso.id)).toMatchObject({ totpPendingSecret: null });
  });
});

describe("password login with a second factor", () => {
  it("asks for the code, refuses a wrong or reused one without logging in, and accepts each step's once", async () => {
    const { staff, secret } = await enrolled(NOW - 60_000);
    const login = (code: string | undefined, now = NOW) => logInWithPassword(db.prisma, { email: staff.email, password: PASSWORD, code }, now);

    expect(await login(undefined)).toEqual({ ok: false, reason: "code_required" });
    expect(await login("wrong-password-code")).toEqual({ ok: false, reason: "code_wrong" });
    expect(await login(totpAt(secret, NOW + 90_000))).toEqual({ ok: false, reason: "code_wrong" });
    expect(await logInWithPassword(db.prisma, { email: staff.email, password: "not the password", code: totpAt(secret, NOW) }, NOW))
      .toEqual({ ok: false, reason: "credentials" });
    // Nothing was recorded as a login, and the code of this step is still unused.
    expect(await stored(staff.id)).toMatchObject({ lastLoginAt: null, totpLastStep: BigInt(Math.floor((NOW - 60_000) / 30_000)) });
    expect(await audited("staff.login", staff.id)).toEqual([]);

    expect(await login(totpAt(secret, NOW))).toMatchObject({ ok: true, staff: { id: staff.id } });
    expect(await audited("staff.login", staff.id)).toEqual([{ actorId: staff.id, details: { two_factor: true } }]);
    // Replayed within its 30 seconds, or an earlier step's code: refused.
    expect(await login(totpAt(secret, NOW), NOW + 10_000)).toEqual({ ok: false, reason: "code_wrong" });
    expect(await login(totpAt(secret, NOW - 30_000))).toEqual({ ok: false, reason: "code_wrong" });
    expect(await login(totpAt(secret, NOW + 30_000), NOW + 30_000)).toMatchObject({ ok: true });
  }, BCRYPT_HEAVY);

  it("through the console's credentials: code_required, then a wrong code counts as a failed login", async () => {
    const { staff, secret } = await enrolled(Date.now() - 60_000);
    const ip = { "x-forwarded-for": "10.9.8.7" };
    const attempt = (code?: string) =>
      authorizeCredentials({ email: staff.email, password: PASSWORD, ...(code === undefined ? {} : { code }) }, ip).then(
        (user) => (user ? `ok:${user.id}` : "wrong"),
        (error: unknown) => (error instanceof Error ? error.message : "error"),
      );
    expect(await attempt()).toBe("code_required");
    expect(await db.prisma.auditEntry.count({ where: { action: "staff.login_failed", targetId: staff.email } })).toBe(0);
    expect(await attempt(totpAt(secret, Date.now() + 10 * 60_000))).toBe("code_wrong");
    expect(await db.prisma.auditEntry.count({ where: { action: "staff.login_failed", targetId: staff.email } })).toBe(1);
    expect(await attempt(totpAt(secret, Date.now()))).toBe(`ok:${staff.id}`);
  }, BCRYPT_HEAVY);
});

describe("admin reset and the console-wide requirement", () => {
  it("resets an account's second factor, audited, so its password alone logs in again", async () => {
    const admin = await createStaffAs(db.prisma, "admin");
    const { staff } = await enrolled();
    expect(await resetTwoFactor(db.prisma, admin, staff.id)).toEqual({ changed: true });
    expect(await stored(staff.id)).toMatchObject({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null });
    expect(await audited("staff.two_factor_reset", staff.id)).toEqual([{ actorId: admin.id, details: { email: staff.email, was_enabled: true } }]);
    expect(await resetTwoFactor(db.prisma, admin, staff.id)).toEqual({ changed: false });
    expect(await audited("staff.two_factor_reset", staff.id)).toHaveLength(1);
    expect(await logInWithPassword(db.prisma, { email: staff.email, password: PASSWORD }, NOW)).toMatchObject({ ok: true });
    await expect(resetTwoFactor(db.prisma, admin, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
  }, BCRYPT_HEAVY);

  it("when required, holds password accounts without one at enrolment; single sign-on ones are exempt", async () => {
    const admin = await createStaffAs(db.prisma, "admin");
    const without = await staffWithPassword();
    const sso = await createStaff(db.prisma, { email: `sso2-${Date.now()}@example.test`, role: "viewer" });
    const { staff: withIt } = await enrolled();
    try {
      expect(await setRequireTwoFactor(db.prisma, admin, true)).toEqual({ changed: true });
      expect(await setRequireTwoFactor(db.prisma, admin, true)).toEqual({ changed: false });
      expect(await getConsoleSettings(db.prisma)).toEqual({ requireTwoFactor: true });
      expect(await audited("settings.require_two_factor", "console")).toEqual([{ actorId: admin.id, details: { before: false, after: true } }]);

      expect(await getActiveStaff(db.prisma, without.id)).toBeNull();
      expect(await getSessionAccount(db.prisma, without.id)).toMatchObject({ mustEnrolTwoFactor: true, twoFactor: false });
      expect(await getActiveStaff(db.prisma, withIt.id)).toMatchObject({ id: withIt.id });
      expect(await getActiveStaff(db.prisma, sso.id)).toMatchObject({ id: sso.id });

      const { secret } = await beginTwoFactorEnrolment(db.prisma, without.id);
      await confirmTwoFactorEnrolment(db.prisma, without.id, totpAt(secret, NOW), NOW);
      expect(await getActiveStaff(db.prisma, without.id)).toMatchObject({ id: without.id });
    } finally {
      await setRequireTwoFactor(db.prisma, admin, false);
    }
  }, BCRYPT_HEAVY);
});
