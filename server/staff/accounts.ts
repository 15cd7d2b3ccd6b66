// Staff accounts: creation (CLI and first start), password login, and the live account behind a
// session (so a disabled account or a changed role takes effect on the next request).
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { z } from "zod";
import { appendAudit, type AuditActor } from "../audit/append";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { ZRole, type Role } from "./roles";

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

/** The account for a password login, or null (unknown, disabled, no password, wrong password). */
export async function verifyStaffPassword(db: DbOrTx, rawEmail: string, password: string): Promise<StaffIdentity | null> {
  const email = ZStaffEmail.safeParse(rawEmail);
  const staff = email.success
    ? await db.staffUser.findUnique({ where: { email: email.data }, select: { ...staffSelect, passwordHash: true, disabledAt: true } })
    : null;
  const ok = await bcrypt.compare(password, staff?.passwordHash ?? DUMMY_HASH);
  if (!staff || !ok || !staff.passwordHash || staff.disabledAt) return null;
  await db.staffUser.update({ where: { id: staff.id }, data: { lastLoginAt: new Date() } });
  await appendAudit(db, { actor: { type: "staff", id: staff.id }, action: "staff.login", target: { type: "staff", id: staff.id } });
  return { id: staff.id, email: staff.email, name: staff.name, role: ZRole.parse(staff.role) };
}

/** The active account with this email (for single sign-on, where the IdP vouched for it). */
export async function findActiveStaffByEmail(db: DbOrTx, rawEmail: string): Promise<StaffIdentity | null> {
  const email = ZStaffEmail.safeParse(rawEmail);
  if (!email.success) return null;
  const staff = await db.staffUser.findFirst({ where: { email: email.data, disabledAt: null }, select: staffSelect });
  return staff ? { ...staff, role: ZRole.parse(staff.role) } : null;
}

/** The account behind a session, if it may use the console: enabled, and not waiting for its
 *  one-time password to be replaced (such an account may only change its password). */
export async function getActiveStaff(db: DbOrTx, id: string): Promise<StaffIdentity | null> {
  const account = await getSessionAccount(db, id);
  return account && !account.mustChangePassword ? account.staff : null;
}

/** The enabled account behind a session, and whether it must replace a one-time password first. */
export async function getSessionAccount(db: DbOrTx, id: string): Promise<{ staff: StaffIdentity; mustChangePassword: boolean } | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const staff = await db.staffUser.findFirst({ where: { id, disabledAt: null }, select: { ...staffSelect, mustChangePassword: true } });
  if (!staff) return null;
  const { mustChangePassword, ...identity } = staff;
  return { staff: { ...identity, role: ZRole.parse(identity.role) }, mustChangePassword };
}
