// Staff accounts: creation (CLI and first start), the password check, and the live account behind a
// session (so a disabled account or a changed role takes effect on the next request).
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { z } from "zod";
import { appendAudit, type AuditActor } from "../audit/append";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { ZRole, type Role } from "./roles";
import { getConsoleSettings } from "./settings";

export type StaffIdentity = { id: string; email: string; name: string | null; role: Role };

const BCRYPT_COST = 12;
export const MIN_PASSWORD_LENGTH = 12;
const staffSelect = { id: true, email: true, name: true, role: true } as const;
export const ZStaffEmail = z.email().max(320).transform((e) => e.trim().toLowerCase());

export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export async function createStaff(
  db: DbOrTx,
  input: { email: string; role: Role; name?: string; password?: string | null; oneTimePassword?: boolean },
  actor: AuditActor = { type: "system", id: "cli" },
): Promise<StaffIdentity> {
  const email = ZStaffEmail.parse(input.email);
  const existing = await db.staffUser.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new AppError("conflict", `A staff account for ${email} already exists`);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const mustChangePassword = Boolean(input.password && input.oneTimePassword);
  const staff = await db.staffUser.create({
    data: { email, role: input.role, name: input.name ?? null, passwordHash, mustChangePassword },
    select: staffSelect,
  });
  await appendAudit(db, {
    actor,
    action: "staff.create",
    target: { type: "staff", id: staff.id },
    details: { email, role: input.role, one_time_password: mustChangePassword },
  });
  return { ...staff, role: ZRole.parse(staff.role) };
}

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const DUMMY_HASH = bcrypt.hashSync("syncdesk-no-such-user", BCRYPT_COST);

/** The account whose password this is (unknown, disabled, password-less: null), and whether it
 *  has a second factor. Changes nothing: the login (server/staff/login.ts) decides and records. */
export async function checkStaffPassword(db: DbOrTx, rawEmail: string, password: string): Promise<(StaffIdentity & { twoFactor: boolean }) | null> {
  const email = ZStaffEmail.safeParse(rawEmail);
  const staff = email.success
    ? await db.staffUser.findUnique({ where: { email: email.data }, select: { ...staffSelect, passwordHash: true, disabledAt: true, totpEnabledAt: true } })
    : null;
  const ok = await bcrypt.compare(password, staff?.passwordHash ?? DUMMY_HASH);
  if (!staff || !ok || !staff.passwordHash || staff.disabledAt) return null;
  return { id: staff.id, email: staff.email, name: staff.name, role: ZRole.parse(staff.role), twoFactor: staff.totpEnabledAt !== null };
}

/** The active account with this email (for single sign-on, where the IdP vouched for it). */
export async function findActiveStaffByEmail(db: DbOrTx, rawEmail: string): Promise<StaffIdentity | null> {
  const email = ZStaffEmail.safeParse(rawEmail);
  if (!email.success) return null;
  const staff = await db.staffUser.findFirst({ where: { email: email.data, disabledAt: null }, select: staffSelect });
  return staff ? { ...staff, role: ZRole.parse(staff.role) } : null;
}

/** The account behind a session, if it may use the console: enabled, not waiting for its one-time
 *  password to be replaced, and not waiting to enrol a second factor the console requires (such an
 *  account may only do that). */
export async function getActiveStaff(db: DbOrTx, id: string): Promise<StaffIdentity | null> {
  const account = await getSessionAccount(db, id);
  return account && !account.mustChangePassword && !account.mustEnrolTwoFactor ? account.staff : null;
}

export type SessionAccount = { staff: StaffIdentity; mustChangePassword: boolean; mustEnrolTwoFactor: boolean; twoFactor: boolean };

/** The enabled account behind a session, and what it must do before it may use the console. */
export async function getSessionAccount(db: DbOrTx, id: string): Promise<SessionAccount | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [staff, settings] = await Promise.all([
    db.staffUser.findFirst({ where: { id, disabledAt: null }, select: { ...staffSelect, mustChangePassword: true, passwordHash: true, totpEnabledAt: true } }),
    getConsoleSettings(db),
  ]);
  if (!staff) return null;
  const { mustChangePassword, passwordHash, totpEnabledAt, ...identity } = staff;
  const twoFactor = totpEnabledAt !== null;
  // Single sign-on accounts are exempt: their identity provider owns the second factor.
  const mustEnrolTwoFactor = settings.requireTwoFactor && passwordHash !== null && !twoFactor;
  return { staff: { ...identity, role: ZRole.parse(identity.role) }, mustChangePassword, mustEnrolTwoFactor, twoFactor };
}
