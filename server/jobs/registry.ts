// The background jobs of this server and their schedules.
import { z } from "zod";
import { runCompaction } from "../compaction/compact";
import { compactionPolicy } from "../compaction/policy";
import { applyRetention, retentionPolicy } from "../compaction/retention";
import type { Env } from "../env";
import { expireUploadSessions } from "../uploads/expire";
import { sweepExpiredTusUploads } from "../uploads/tus-expire";
import type { JobDefinition } from "./runner";

const MINUTE_MS = 60_000;
/** Runs are short (bounded batches); an instance silent this long mid-run has died. */
const LEASE_MS = 60 * MINUTE_MS;

export const JOB_NAMES = ["compaction", "retention", "upload-expiry"] as const;
export type JobName = (typeof JOB_NAMES)[number];

const ZCompactionInput = z.strictObject({ stream: z.string().min(1).optional() });

type JobsConfig = Pick<
  Env,
  | "COMPACTION_RETENTION_DAYS" | "COMPACTION_MAX_CHANGES_PER_STREAM" | "COMPACTION_MAX_DEVICE_HOLD_DAYS"
  | "COMPACTION_INTERVAL_MINUTES" | "BATCH_RETENTION_DAYS" | "AUDIT_RETENTION_DAYS"
>;

export function defaultJobs(config: JobsConfig): Record<JobName, JobDefinition> {
  const compaction = compactionPolicy(config);
  const retention = retentionPolicy(config);
  return {
    compaction: {
      name: "compaction",
      intervalMs: config.COMPACTION_INTERVAL_MINUTES * MINUTE_MS,
      leaseMs: LEASE_MS,
      run: (ctx) => runCompaction(ctx.db, compaction, ctx.now, ctx.actor, { ...ZCompactionInput.parse(ctx.input), runId: ctx.runId }),
    },
    retention: {
      name: "retention",
      intervalMs: 24 * 60 * MINUTE_MS,
      leaseMs: LEASE_MS,
      run: (ctx) => applyRetention(ctx.db, retention, ctx.now, ctx.actor, ctx.runId),
    },
    // Expiry of unfinished uploads (issue 4): docs/protocol.md "Uploads".
    "upload-expiry": {
      name: "upload-expiry",
      intervalMs: 15 * MINUTE_MS,
      leaseMs: LEASE_MS,
      // Resumable upload sessions and presigned media (uploads-core), then tus uploads.
      run: async (ctx) => ({ ...(await expireUploadSessions(ctx.db, ctx.now)), ...(await sweepExpiredTusUploads(ctx.db, ctx.now)) }),
    },
  };
}
