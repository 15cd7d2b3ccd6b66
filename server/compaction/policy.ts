// The compaction policy, read from configuration once per run: what history is kept and which
// devices hold it back (docs/protocol.md "Compaction").
import type { Env } from "../env";

const DAY_MS = 86_400_000;

export type CompactionPolicy = {
  /** Changes younger than this are kept, unless their stream holds more than `maxChangesPerStream`. */
  retentionMs: number;
  /** Each stream keeps at most this many changes: its newest. */
  maxChangesPerStream: number;
  /** A device holds compaction back at its checkpoint while it acked within this long. */
  holdMs: number;
  /** Rows per delete statement, so each statement's work, memory and lock time stay bounded. */
  batchSize: number;
};

type PolicyConfig = Pick<
  Env,
  "COMPACTION_RETENTION_DAYS" | "COMPACTION_MAX_CHANGES_PER_STREAM" | "COMPACTION_MAX_DEVICE_HOLD_DAYS"
>;

export function compactionPolicy(config: PolicyConfig): CompactionPolicy {
  const retentionDays = config.COMPACTION_RETENTION_DAYS;
  // A device holds back only while it acked within the retention window (PROTOCOL.md "Ack"); the
  // hold cap can shorten that, so a device that went silent stops blocking compaction sooner.
  const holdDays = Math.min(retentionDays, config.COMPACTION_MAX_DEVICE_HOLD_DAYS ?? retentionDays);
  return {
    retentionMs: retentionDays * DAY_MS,
    maxChangesPerStream: config.COMPACTION_MAX_CHANGES_PER_STREAM,
    holdMs: holdDays * DAY_MS,
    batchSize: 10_000,
  };
}
