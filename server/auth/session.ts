// The staff member behind the current console request (server components), or null.
import { getServerSession } from "next-auth";
import { getDb } from "../db/client";
import { getActiveStaff, getSessionAccount, type SessionAccount, type StaffIdentity } from "../staff/accounts";
import { authOptions } from "./options";

async function sessionStaffId(): Promise<string | null> {
  const session = await getServerSession(authOptions());
  return (session?.user as { id?: string } | undefined)?.id ?? null;
}

/** The staff member who may use the console now (null also while a one-time password or a
 *  required second factor is pending). */
export async function getCurrentStaff(): Promise<StaffIdentity | null> {
  const id = await sessionStaffId();
  return id ? getActiveStaff(await getDb(), id) : null;
}

/** The logged-in, enabled account, even one that must first replace its one-time password or enrol
 *  a second factor. */
export async function getCurrentAccount(): ReturnType<typeof getSessionAccount> {
  const id = await sessionStaffId();
  return id ? getSessionAccount(await getDb(), id) : null;
}

/** The page an account must visit before the console opens: its own password first (it replaces
 *  a one-time one), then the second factor the console requires. Null: the console is open. */
export function pendingStepPath(account: SessionAccount): "/password" | "/two-factor" | null {
  if (account.mustChangePassword) return "/password";
  if (account.mustEnrolTwoFactor) return "/two-factor";
  return null;
}
