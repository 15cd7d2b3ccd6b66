// "Compact now" from the console (operators): a manual compaction run, of every stream or one,
// audited with the staff member as actor (compact.ts appends the entry).
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { runJobNow, type ManualRun } from "../jobs/run-now";
import type { StaffIdentity } from "../staff/accounts";

export async function compactNow(db: Db, staff: StaffIdentity, input: { stream?: string }): Promise<ManualRun> {
  if (input.stream && !(await db.stream.findUnique({ where: { name: input.stream }, select: { name: true } }))) {
    throw new AppError("not_found", `No stream ${input.stream}`);
  }
  return runJobNow(db, "compaction", { type: "staff", id: staff.id }, input.stream ? { stream: input.stream } : {});
}
