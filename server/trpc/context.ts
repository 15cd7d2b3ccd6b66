// The context of a console request: the database and the live staff account behind the session.
import { getServerSession } from "next-auth";
import { authOptions } from "../auth/options";
import { getDb } from "../db/client";
import { getActiveStaff } from "../staff/accounts";
import type { TrpcContext } from "./init";

export async function createTrpcContext(): Promise<TrpcContext> {
  const db = await getDb();
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id ?? null;
  return { db, staff: id ? await getActiveStaff(db, id) : null };
}
