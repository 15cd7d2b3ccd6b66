// The head of the Compaction page: the policy in force and each job's last and next run.
import type { DbOrTx } from "../db/client";
import type { Env } from "../env";
import { jobSchedules, type JobSchedule } from "../jobs/history";
import { defaultJobs } from "../jobs/registry";
import { compactionPolicy } from "./policy";

const DAY_MS = 86_400_000;

export type CompactionOverview = {
  policy: {
    retentionDays: number;
    maxChangesPerStream: number;
    deviceHoldDays: number;
    intervalMinutes: number;
    batchRetentionDays: number;
    auditRetentionDays: number;
  };
  jobsEnabled: boolean;
  jobs: JobSchedule[];
};

export async function getCompactionOverview(db: DbOrTx, config: Env, now: Date): Promise<CompactionOverview> {
  const policy = compactionPolicy(config);
  const enabled = config.JOBS_ENABLED === "true";
  return {
    policy: {
      retentionDays: config.COMPACTION_RETENTION_DAYS,
      maxChangesPerStream: policy.maxChangesPerStream,
      deviceHoldDays: policy.holdMs / DAY_MS,
      intervalMinutes: config.COMPACTION_INTERVAL_MINUTES,
      batchRetentionDays: config.BATCH_RETENTION_DAYS,
      auditRetentionDays: config.AUDIT_RETENTION_DAYS,
    },
    jobsEnabled: enabled,
    jobs: await jobSchedules(db, Object.values(defaultJobs(config)), now, enabled),
  };
}
