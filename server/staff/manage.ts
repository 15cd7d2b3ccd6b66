// What an admin does to staff accounts in the console: create one, change its role, disable or
// enable it, reset its password. Each change and its audit entry commit in one transaction; the
// last enabled admin is never disabled or demoted. A password an admin sets is one-time: shown once,
// and its owner must replace it at the next login.
import { appendAudit, type AuditActor } from "../audit/append";
import type { Db, Tx } from "../db/client";
import { AppError } from "../errors";
import { createStaff, generatePassword, hashPassword, type StaffIdentity } from "./accounts";
import { assertAnotherAdminRemains } from "./last-admin";
import type { Role } from "./roles";

const auditActor = (staff: StaffIdentity): AuditActor => ({ type: "staff", id: staff.id });

export async function createStaffAccount(
  db: Db, actor: StaffIdentity, input: { email: string; role: Role; name?: string },
): Promise<{ account: StaffIdentity; oneTimePassword: string }> {
  const oneTimePassword = generatePassword();
  const account = await db.$transaction((tx) =>
    createStaff(tx, { ...input, password: oneTimePassword, oneTimePassword: true }, auditActor(actor)),
  );
  return { account, oneTimePassword };
}

async function loadAccount(tx: Tx, id: string) {
  const found = await tx.staffUser.findUnique({ where: { id }, select: { id: true, email: true, role: true, disabledAt: true } });
  if (!found) throw new AppError("not_found", "No such staff account");
  return found;
}

export async function setStaffRole(db: Db, actor: StaffIdentity, id: string, role: Role): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    const before = await loadAccount(tx, id);
    if (before.role === role) return { changed: false };
    if (before.role === "admin") await assertAnotherAdminRemains(tx, id);
    await tx.staffUser.update({ where: { id }, data: { role } });
    await appendAudit(tx, { actor: auditActor(actor), action: "staff.role", target: { type: "staff", id }, details: { email: before.email, before: before.role, after: role } });
    return { changed: true };
  });
}

export async function setStaffDisabled(db: Db, actor: StaffIdentity, id: string, disabled: boolean): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    const before = await loadAccount(tx, id);
    if ((before.disabledAt !== null) === disabled) return { changed: false };
    if (disabled && before.role === "admin") await assertAnotherAdminRemains(tx, id);
    const disabledAt = disabled ? new Date() : null;
    await tx.staffUser.update({ where: { id }, data: { disabledAt } });
    await appendAudit(tx, {
      actor: auditActor(actor), action: disabled ? "staff.disable" : "staff.enable", target: { type: "staff", id },
      details: { email: before.email, before: { disabled_at: before.disabledAt }, after: { disabled_at: disabledAt } },
    });
    return { changed: true };
  });
}

export async function resetStaffPassword(db: Db, actor: StaffIdentity, id: string): Promise<{ oneTimePassword: string }> {
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  await db.$transaction(async (tx) => {
    const before = await loadAccount(tx, id);
    await tx.staffUser.update({ where: { id }, data: { passwordHash, mustChangePassword: true } });
    await appendAudit(tx, { actor: auditActor(actor), action: "staff.password_reset", target: { type: "staff", id }, details: { email: before.email } });
  });
  return { oneTimePassword };
}
