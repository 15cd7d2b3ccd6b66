// The staff accounts for the admin's Staff page. Never the password hash or a second factor's
// secret: only whether there is one.
import type { DbOrTx } from "../db/client";
import { ZRole, type Role } from "./roles";

export type StaffAccount = {
  id: string; email: string; name: string | null; role: Role; createdAt: Date; lastLoginAt: Date | null;
  disabledAt: Date | null; mustChangePassword: boolean; hasPassword: boolean; twoFactor: boolean;
};

const MAX_ACCOUNTS = 1000;

export async function listStaff(db: DbOrTx): Promise<StaffAccount[]> {
  const rows = await db.staffUser.findMany({
    orderBy: { email: "asc" },
    take: MAX_ACCOUNTS,
    select: { id: true, email: true, name: true, role: true, createdAt: true, lastLoginAt: true, disabledAt: true, mustChangePassword: true, passwordHash: true, totpEnabledAt: true },
  });
  return rows.map(({ passwordHash, totpEnabledAt, role, ...row }) => ({
    ...row, role: ZRole.parse(role), hasPassword: passwordHash !== null, twoFactor: totpEnabledAt !== null,
  }));
}
