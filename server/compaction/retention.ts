// Retention of sync batches and audit entries, which compaction never touches: rows older than
// their window are deleted `BATCH` at a time, so one statement never holds long locks.
// Sync batches are the idempotency records of pushes: a retry of a bundle older than the window
// is applied as new (docs/protocol.md "Compaction"). Their replay attempts go with them (cascade).
// The audit log refuses deletes unless the transaction opts in (the audit_log_append_only
// trigger); only this function does.
import { appendAudit, type AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { LONG_TRANSACTION } from "./compact-stream";

const DAY_MS = 86_400_000;
const BATCH = 5_000;

export type RetentionPolicy = { batchRetentionMs: number; auditRetentionMs: number };

export function retentionPolicy(config: Pick<Env, "BATCH_RETENTION_DAYS" | "AUDIT_RETENTION_DAYS">): RetentionPolicy {
  return { batchRetentionMs: config.BATCH_RETENTION_DAYS * DAY_MS, auditRetentionMs: config.AUDIT_RETENTION_DAYS * DAY_MS };
}

export type RetentionSummary = { batchesDeleted: number; auditEntriesDeleted: number; batchesBefore: string; auditBefore: string };

async function deleteOldBatches(db: Db, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM sync_batches WHERE id IN (
        SELECT id FROM sync_batches WHERE created_at < ${before} LIMIT ${BATCH})`;
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

async function deleteOldAuditEntries(db: Db, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('syncdesk.audit_retention', 'on', true) AS opted_in`;
      return tx.$executeRaw`
        DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ${before} ORDER BY at, id LIMIT ${BATCH})`;
    }, LONG_TRANSACTION);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/** Deletes what is past retention; audits the run when it deleted anything. */
export async function applyRetention(db: Db, policy: RetentionPolicy, now: Date, actor: AuditActor, runId?: string): Promise<RetentionSummary> {
  const batchesBefore = new Date(now.getTime() - policy.batchRetentionMs);
  const auditBefore = new Date(now.getTime() - policy.auditRetentionMs);
  const summary: RetentionSummary = {
    batchesDeleted: await deleteOldBatches(db, batchesBefore),
    auditEntriesDeleted: await deleteOldAuditEntries(db, auditBefore),
    batchesBefore: batchesBefore.toISOString(),
    auditBefore: auditBefore.toISOString(),
  };
  if (summary.batchesDeleted > 0 || summary.auditEntriesDeleted > 0) {
    await appendAudit(db, { actor, action: "retention.run", target: { type: "job", id: runId ?? "retention" }, details: { run_id: runId ?? null, ...summary } });
  }
  return summary;
}
