// Claiming and finishing job runs in the job_runs table. A claim is one transaction:
//   1. Take the job's transaction-scoped advisory lock, so claims of one job take turns across
//      every app instance (on the embedded database, across this process's callers).
//   2. Mark runs left `running` past the job's lease as failed: their instance died mid-run.
//   3. Refuse while another run of the job is still running: runs of a job never overlap.
//   4. Insert (job, slot); the unique key lets exactly one claimant of a slot win.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { toJsonInput, type JsonObject } from "../db/json";

export type Trigger = "schedule" | "manual";
export type Claim = { claimed: true; runId: string } | { claimed: false; reason: "taken" | "busy" };

const ERROR_MAX = 2_000;

export async function claimRun(
  db: Db,
  job: { name: string; leaseMs: number },
  run: { slot: Date; trigger: Trigger; instance: string; now: Date },
): Promise<Claim> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`syncdesk.job.${job.name}`}))) l`;
    const staleBefore = new Date(run.now.getTime() - job.leaseMs);
    await tx.jobRun.updateMany({
      where: { job: job.name, status: "running", startedAt: { lt: staleBefore } },
      data: { status: "failed", finishedAt: run.now, error: "abandoned: no result within the lease (the instance stopped mid-run)" },
    });
    const running = await tx.jobRun.findFirst({ where: { job: job.name, status: "running" }, select: { id: true } });
    if (running) return { claimed: false, reason: "busy" } as const;
    const id = randomUUID();
    const inserted = await tx.$executeRaw`
      INSERT INTO job_runs (id, job, slot, trigger, instance, status, started_at)
      VALUES (${id}::uuid, ${job.name}, ${run.slot}, ${run.trigger}, ${run.instance}, 'running', ${run.now})
      ON CONFLICT (job, slot) DO NOTHING`;
    return inserted === 1 ? ({ claimed: true, runId: id } as const) : ({ claimed: false, reason: "taken" } as const);
  });
}

export async function finishRun(
  db: Db, runId: string, finishedAt: Date, outcome: { result: JsonObject } | { error: unknown },
): Promise<void> {
  const data =
    "result" in outcome
      ? { status: "succeeded", result: toJsonInput(outcome.result) }
      : { status: "failed", error: describeError(outcome.error) };
  await db.jobRun.update({ where: { id: runId }, data: { ...data, finishedAt } });
}

/** The message only: job errors are shown in the console, so no stack and nothing unbounded. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > ERROR_MAX ? `${message.slice(0, ERROR_MAX)}…` : message;
}
