// The context of a console request: the database and the live staff account behind the session.
import { getCurrentStaff } from "../auth/session";
import { getDb } from "../db/client";
import type { TrpcContext } from "./init";

export async function createTrpcContext(): Promise<TrpcContext> {
  return { db: await getDb(), staff: await getCurrentStaff() };
}
