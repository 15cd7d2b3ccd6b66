// Job runs for the console: the history (newest first, keyset paged, failures filterable) and
// each job's last run and next scheduled slot.
import type { DbOrTx } from "../db/client";
import { decodeKeysetCursor, keysetPage } from "../db/keyset-cursor";
import type { Prisma } from "../db/generated/client";
import type { JobDefinition } from "./runner";
import { nextSlotAfter, slotOf } from "./slots";

const runSelect = {
  id: true, job: true, slot: true, trigger: true, instance: true, status: true,
  startedAt: true, finishedAt: true, result: true, error: true,
} as const;

export type JobRunRow = Prisma.JobRunGetPayload<{ select: typeof runSelect }>;

export async function listJobRuns(
  db: DbOrTx, query: { job?: string; status?: string; cursor?: string; limit: number },
): Promise<{ runs: JobRunRow[]; nextCursor: string | null }> {
  const where: Prisma.JobRunWhereInput[] = [];
  if (query.job) where.push({ job: query.job });
  if (query.status) where.push({ status: query.status });
  if (query.cursor) {
    const after = decodeKeysetCursor(query.cursor);
    where.push({ OR: [{ startedAt: { lt: after.at } }, { startedAt: after.at, id: { lt: after.id } }] });
  }
  const rows = await db.jobRun.findMany({
    where: { AND: where },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: runSelect,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (r) => ({ at: r.startedAt, id: r.id }));
  return { runs: page, nextCursor };
}

export type JobSchedule = {
  job: string;
  intervalMs: number;
  lastRun: JobRunRow | null;
  lastFailure: JobRunRow | null;
  /** When a runner next claims this job: now if the current slot has no run yet. Null if jobs are off. */
  nextRunAt: Date | null;
};

export async function jobSchedules(db: DbOrTx, jobs: JobDefinition[], now: Date, enabled: boolean): Promise<JobSchedule[]> {
  return Promise.all(
    jobs.map(async (job) => {
      const newest = [{ startedAt: "desc" }, { id: "desc" }] as const;
      const [lastRun, lastFailure, thisSlot] = await Promise.all([
        db.jobRun.findFirst({ where: { job: job.name }, orderBy: [...newest], select: runSelect }),
        db.jobRun.findFirst({ where: { job: job.name, status: "failed" }, orderBy: [...newest], select: runSelect }),
        db.jobRun.findUnique({ where: { job_slot: { job: job.name, slot: slotOf(now, job.intervalMs) } }, select: { id: true } }),
      ]);
      const nextRunAt = !enabled ? null : thisSlot ? nextSlotAfter(now, job.intervalMs) : now;
      return { job: job.name, intervalMs: job.intervalMs, lastRun, lastFailure, nextRunAt };
    }),
  );
}
