// A staff account's TOTP second factor: enrolment (a new secret, shown once, enabled only once a
// code from it is confirmed), the code a password login must add, and an admin's reset. The
// secret stays in the database: nothing here returns it after enrolment began.
import { appendAudit } from "../audit/append";
import { otpauthUri, generateTotpSecret, matchTotp } from "../auth/totp";
import type { Db, DbOrTx } from "../db/client";
import { AppError } from "../errors";
import type { StaffIdentity } from "./accounts";

const ISSUER = "Syncdesk";
const WRONG_CODE = "That code is not right: type the 6 digits your authenticator app shows now";

export type TwoFactorEnrolment = { secret: string; uri: string };

async function loadAccount(db: DbOrTx, id: string) {
  const found = await db.staffUser.findFirst({
    where: { id, disabledAt: null },
    select: { id: true, email: true, passwordHash: true, totpEnabledAt: true, totpPendingSecret: true, totpSecret: true, totpLastStep: true },
  });
  if (!found) throw new AppError("not_found", "No such staff account");
  return found;
}

/** Starts (or restarts) enrolment: a fresh secret for the authenticator app, not yet in force. */
export async function beginTwoFactorEnrolment(db: Db, staffId: string): Promise<TwoFactorEnrolment> {
  const account = await loadAccount(db, staffId);
  if (!account.passwordHash) throw new AppError("forbidden", "This account logs in with single sign-on: its identity provider asks for the second factor");
  if (account.totpEnabledAt) throw new AppError("conflict", "Two-factor is already on for this account; an admin can reset it");
  const secret = generateTotpSecret();
  await db.staffUser.update({ where: { id: staffId }, data: { totpPendingSecret: secret } });
  return { secret, uri: otpauthUri(secret, account.email, ISSUER) };
}

/** Turns two-factor on once a code from the pending secret proves the app has it. A wrong code
 *  changes nothing: the pending secret stays for another try. */
export async function confirmTwoFactorEnrolment(db: Db, staffId: string, code: string, now = Date.now()): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM staff_users WHERE id = ${staffId}::uuid FOR UPDATE`;
    const account = await loadAccount(tx, staffId);
    if (account.totpEnabledAt) throw new AppError("conflict", "Two-factor is already on for this account");
    if (!account.totpPendingSecret) throw new AppError("invalid_request", "Start the two-factor set-up first");
    const step = matchTotp(account.totpPendingSecret, code, now);
    if (step === null) throw new AppError("invalid_request", WRONG_CODE);
    await tx.staffUser.update({
      where: { id: staffId },
      data: { totpSecret: account.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: new Date(now), totpLastStep: BigInt(step) },
    });
    await appendAudit(tx, { actor: { type: "staff", id: staffId }, action: "staff.two_factor_enable", target: { type: "staff", id: staffId } });
  });
}

/**
 * Checks a login's code and uses it up: the step it belongs to (and every earlier one) is refused
 * from then on, so a code read over a shoulder cannot log in a second time. Locks the account row
 * so two logins racing with one code cannot both pass.
 */
export async function consumeLoginCode(db: Db, staffId: string, code: string, now = Date.now()): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM staff_users WHERE id = ${staffId}::uuid FOR UPDATE`;
    const account = await loadAccount(tx, staffId);
    if (!account.totpSecret) return false;
    const last = account.totpLastStep === null ? null : Number(account.totpLastStep);
    const step = matchTotp(account.totpSecret, code, now, last);
    if (step === null) return false;
    await tx.staffUser.update({ where: { id: staffId }, data: { totpLastStep: BigInt(step) } });
    return true;
  });
}

/** An admin turns an account's two-factor off (a lost phone): it logs in with its password alone,
 *  or enrols again, as the console's setting asks. */
export async function resetTwoFactor(db: Db, actor: StaffIdentity, id: string): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    const found = await tx.staffUser.findUnique({ where: { id }, select: { email: true, totpEnabledAt: true, totpPendingSecret: true } });
    if (!found) throw new AppError("not_found", "No such staff account");
    if (!found.totpEnabledAt && !found.totpPendingSecret) return { changed: false };
    await tx.staffUser.update({ where: { id }, data: { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null } });
    await appendAudit(tx, {
      actor: { type: "staff", id: actor.id }, action: "staff.two_factor_reset", target: { type: "staff", id },
      details: { email: found.email, was_enabled: found.totpEnabledAt !== null },
    });
    return { changed: true };
  });
}
