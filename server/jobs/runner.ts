// The job runner: named jobs on fixed intervals, one run per schedule slot across every app
// instance sharing the database (claim.ts), in-process on the embedded database alike. Each
// instance ticks on a timer; a tick claims the current slot of every job not yet run in it and
// runs what it won. Every run is a job_runs row with its outcome; a failure never stops the timer.
import type { AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import type { JsonObject } from "../db/json";
import { logger } from "../log";
import { claimRun, finishRun, type Trigger } from "./claim";
import { slotOf } from "./slots";

export type JobContext = {
  db: Db;
  runId: string;
  now: Date;
  trigger: Trigger;
  /** Who the run acts for: the system on schedule, the staff member who asked otherwise. */
  actor: AuditActor;
  input: Record<string, unknown>;
};

export type JobDefinition = {
  name: string;
  intervalMs: number;
  /** A run with no result after this long is taken for dead (its instance crashed). */
  leaseMs: number;
  run(context: JobContext): Promise<JsonObject>;
};

export type RunOutcome =
  | { job: string; runId: string; status: "succeeded"; result: JsonObject }
  | { job: string; runId: string; status: "failed"; error: unknown }
  | { job: string; status: "taken" }
  | { job: string; status: "busy" };

export const SYSTEM_ACTOR: AuditActor = { type: "system", id: "jobs" };

type RunOptions = { slot: Date; trigger: Trigger; instance: string; actor: AuditActor; input?: Record<string, unknown>; now: Date };

/** Claims `options.slot` of `job` and, if won, runs it and records the outcome. */
export async function claimAndRun(db: Db, job: JobDefinition, options: RunOptions, clock: () => Date = () => new Date()): Promise<RunOutcome> {
  const claim = await claimRun(db, job, options);
  if (!claim.claimed) return claim.reason === "busy" ? { job: job.name, status: "busy" } : { job: job.name, status: "taken" };
  const { runId } = claim;
  try {
    const result = await job.run({ db, runId, now: options.now, trigger: options.trigger, actor: options.actor, input: options.input ?? {} });
    await finishRun(db, runId, clock(), { result });
    logger.info({ job: job.name, runId, trigger: options.trigger }, "job run finished");
    return { job: job.name, runId, status: "succeeded", result };
  } catch (error) {
    logger.error({ err: error, job: job.name, runId }, "job run failed");
    await finishRun(db, runId, clock(), { error });
    return { job: job.name, runId, status: "failed", error };
  }
}

export type JobRunner = {
  /** Claims and runs every job due now; resolves when the runs this tick started have ended. */
  tick(): Promise<RunOutcome[]>;
  start(tickMs: number): void;
  /** Stops the timer and waits for runs in progress. */
  stop(): Promise<void>;
};

export function createJobRunner(options: { db: Db; jobs: JobDefinition[]; instance: string; clock?: () => Date }): JobRunner {
  const { db, jobs, instance } = options;
  const clock = options.clock ?? (() => new Date());
  /** The last slot of each job known to be done (run here or elsewhere): no query until the next. */
  const settled = new Map<string, number>();
  const inFlight = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;

  async function runDue(job: JobDefinition): Promise<RunOutcome | null> {
    const now = clock();
    const slot = slotOf(now, job.intervalMs);
    if (settled.get(job.name) === slot.getTime()) return null;
    const outcome = await claimAndRun(db, job, { slot, trigger: "schedule", instance, actor: SYSTEM_ACTOR, now }, clock);
    // "busy": another run of the job is still going; this slot is tried again next tick.
    if (outcome.status !== "busy") settled.set(job.name, slot.getTime());
    return outcome;
  }

  async function tick(): Promise<RunOutcome[]> {
    const started = jobs.flatMap((job) => {
      if (inFlight.has(job.name)) return [];
      const run = runDue(job)
        .catch((error: unknown): RunOutcome => {
          // The claim itself failed (e.g. the database is down): logged, retried next tick.
          logger.error({ err: error, job: job.name }, "job claim failed");
          return { job: job.name, status: "busy" };
        })
        .finally(() => inFlight.delete(job.name));
      inFlight.set(job.name, run);
      return [run];
    });
    const outcomes = await Promise.all(started);
    return outcomes.filter((o): o is RunOutcome => o !== null);
  }

  return {
    tick,
    start(tickMs) {
      if (timer) return;
      void tick();
      timer = setInterval(() => void tick(), tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled(inFlight.values());
    },
  };
}
