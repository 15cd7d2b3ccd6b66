// Starts this process's job runner (server/startup.ts calls it once the database is ready).
// JOBS_ENABLED=false leaves it off, e.g. for an instance that only serves requests. Tests never
// boot the server, so no job runs in a test unless the test starts one itself.
import { hostname } from "node:os";
import type { Db } from "../db/client";
import { env, type Env } from "../env";
import { logger } from "../log";
import { defaultJobs } from "./registry";
import { processSingleton } from "../process-singleton";
import { createJobRunner, type JobRunner } from "./runner";

const TICK_MS = 30_000;

// One runner per process, even if Next loads this module more than once.
declare module "../process-singleton" {
  interface ProcessSingletons {
    jobs: { runner: JobRunner | undefined };
  }
}
const jobsSlot = () => processSingleton("jobs", () => ({ runner: undefined }));

export function instanceName(): string {
  return `${hostname()}:${process.pid}`;
}

export function startJobs(db: Db, config: Env = env()): JobRunner | null {
  if (config.JOBS_ENABLED === "false") {
    logger.info("background jobs are disabled (JOBS_ENABLED=false)");
    return null;
  }
  const slot = jobsSlot();
  if (!slot.runner) {
    const jobs = Object.values(defaultJobs(config));
    slot.runner = createJobRunner({ db, jobs, instance: instanceName() });
    slot.runner.start(TICK_MS);
    logger.info({ jobs: jobs.map((j) => j.name) }, "background jobs started");
  }
  return slot.runner;
}

/** Stops this process's runner, waiting for runs in progress (shutdown, and tests that start it). */
export async function stopJobs(): Promise<void> {
  const slot = jobsSlot();
  const runner = slot.runner;
  slot.runner = undefined;
  await runner?.stop();
}
