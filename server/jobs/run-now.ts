// A run a person asks for from the console: claimed like a scheduled one (so it never overlaps a
// run of the same job on any instance), in a slot of its own, and recorded with trigger "manual".
import type { AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import type { JsonObject } from "../db/json";
import { env, type Env } from "../env";
import { AppError } from "../errors";
import { defaultJobs, type JobName } from "./registry";
import { claimAndRun } from "./runner";
import { instanceName } from "./start";

export type ManualRun =
  | { runId: string; status: "succeeded"; result: JsonObject }
  | { runId: string; status: "failed"; error: string };

export async function runJobNow(
  db: Db, name: JobName, actor: AuditActor, input: Record<string, unknown> = {}, config: Env = env(),
): Promise<ManualRun> {
  const now = new Date();
  const job = defaultJobs(config)[name];
  const outcome = await claimAndRun(db, job, { slot: now, trigger: "manual", instance: instanceName(), actor, input, now });
  if (outcome.status === "busy" || outcome.status === "taken") {
    throw new AppError("conflict", `A ${name} run is in progress; try again when it has finished`);
  }
  if (outcome.status === "failed") {
    return { runId: outcome.runId, status: "failed", error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) };
  }
  return { runId: outcome.runId, status: "succeeded", result: outcome.result };
}
