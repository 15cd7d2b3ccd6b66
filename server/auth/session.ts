// The staff member behind the current console request (server components), or null.
import { getServerSession } from "next-auth";
import { getDb } from "../db/client";
import { getActiveStaff, type StaffIdentity } from "../staff/accounts";
import { authOptions } from "./options";

export async function getCurrentStaff(): Promise<StaffIdentity | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id ? getActiveStaff(await getDb(), id) : null;
}
