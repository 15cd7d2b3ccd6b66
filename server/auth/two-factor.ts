// The logged-in account sets up its own second factor (the route of app/api/console/two-factor):
// also an account the console requires to enrol first, which has no console session otherwise.
import { getDb } from "../db/client";
import { AppError } from "../errors";
import { beginTwoFactorEnrolment, confirmTwoFactorEnrolment, type TwoFactorEnrolment } from "../staff/two-factor";
import { getCurrentAccount } from "./session";

async function currentAccountId(): Promise<string> {
  const account = await getCurrentAccount();
  if (!account) throw new AppError("unauthorized", "Log in first");
  if (account.mustChangePassword) throw new AppError("forbidden", "Choose your own password first");
  return account.staff.id;
}

export async function beginCurrentEnrolment(): Promise<TwoFactorEnrolment> {
  return beginTwoFactorEnrolment(await getDb(), await currentAccountId());
}

export async function confirmCurrentEnrolment(code: string): Promise<void> {
  await confirmTwoFactorEnrolment(await getDb(), await currentAccountId(), code);
}
