// The logged-in account changes its own password (the route of app/api/console/password): also an
// account that must first replace a one-time password, which has no console session otherwise.
import { getDb } from "../db/client";
import { AppError } from "../errors";
import { changeOwnPassword } from "../staff/change-password";
import { getCurrentAccount } from "./session";

export async function changeCurrentPassword(current: string, next: string): Promise<void> {
  const account = await getCurrentAccount();
  if (!account) throw new AppError("unauthorized", "Log in first");
  await changeOwnPassword(await getDb(), account.staff.id, current, next);
}
