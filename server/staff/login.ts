// A console login with email and password, and the second factor's code when the account has one.
// Only a complete login is recorded (last login time, audit entry); what is missing or wrong is
// said to the caller, which throttles failures (server/auth/options.ts).
import { appendAudit } from "../audit/append";
import type { Db } from "../db/client";
import { checkStaffPassword, type StaffIdentity } from "./accounts";
import { consumeLoginCode } from "./two-factor";

export type LoginInput = { email: string; password: string; code?: string | undefined };
export type LoginResult =
  | { ok: true; staff: StaffIdentity }
  /** `credentials`: no such active account with that password. `code_required`: the password is
   *  right and the account has a second factor. `code_wrong`: the code did not match (or was used). */
  | { ok: false; reason: "credentials" | "code_required" | "code_wrong" };

export async function logInWithPassword(db: Db, input: LoginInput, now = Date.now()): Promise<LoginResult> {
  const checked = await checkStaffPassword(db, input.email, input.password);
  if (!checked) return { ok: false, reason: "credentials" };
  const { twoFactor, ...staff } = checked;
  if (twoFactor) {
    if (!input.code?.trim()) return { ok: false, reason: "code_required" };
    if (!(await consumeLoginCode(db, staff.id, input.code, now))) return { ok: false, reason: "code_wrong" };
  }
  await db.staffUser.update({ where: { id: staff.id }, data: { lastLoginAt: new Date(now) } });
  await appendAudit(db, { actor: { type: "staff", id: staff.id }, action: "staff.login", target: { type: "staff", id: staff.id }, details: { two_factor: twoFactor } });
  return { ok: true, staff };
}
