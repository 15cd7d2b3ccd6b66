// A staff member chooses their own password (required after a one-time one): the current password
// proves it is them, the new one must differ from it, and the change is audited.
import bcrypt from "bcryptjs";
import { appendAudit } from "../audit/append";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./accounts";

export async function changeOwnPassword(db: Db, staffId: string, current: string, next: string): Promise<void> {
  if (next.length < MIN_PASSWORD_LENGTH) throw new AppError("invalid_request", `The new password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (next === current) throw new AppError("invalid_request", "The new password must differ from the current one");
  const account = await db.staffUser.findFirst({ where: { id: staffId, disabledAt: null }, select: { passwordHash: true, mustChangePassword: true } });
  if (!account?.passwordHash) throw new AppError("forbidden", "This account has no password to change (it logs in with single sign-on)");
  if (!(await bcrypt.compare(current, account.passwordHash))) throw new AppError("invalid_request", "The current password is wrong");
  const passwordHash = await hashPassword(next);
  await db.$transaction(async (tx) => {
    await tx.staffUser.update({ where: { id: staffId }, data: { passwordHash, mustChangePassword: false } });
    await appendAudit(tx, {
      actor: { type: "staff", id: staffId }, action: "staff.password_change", target: { type: "staff", id: staffId },
      details: { was_one_time: account.mustChangePassword },
    });
  });
}
