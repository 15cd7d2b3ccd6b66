// A compaction run over every stream (or one): find the streams with something to compact, plan
// each (plan.ts) and compact it (compact-stream.ts), one stream at a time. Streams are read in
// pages by name and candidates picked with one query per page, so a run over many quiet streams
// costs a few index probes each; memory stays bounded by the page size.
import { appendAudit, type AuditActor } from "../audit/append";
import type { Db } from "../db/client";
import { pruneFeed } from "../feed/prune-feed";
import { breathe, compactStream, type StreamOutcome } from "./compact-stream";
import { releaseExpiredHolds } from "./holds";
import { planStream, type StreamState } from "./plan";
import type { CompactionPolicy } from "./policy";

const STREAM_PAGE = 500;
/** Streams listed one by one in a run's summary (the totals count them all). */
const SUMMARY_STREAMS = 50;

export type CompactionSummary = {
  streamsChecked: number;
  streamsCompacted: number;
  changesDeleted: number;
  tombstonesPurged: number;
  expiredBootstrapHolds: number;
  /** Change feed events no cursor can use any more (server/feed/prune-feed.ts). */
  feedEventsPruned: number;
  streams: StreamOutcome[];
};

type Candidate = { name: string; head_seq: bigint; compacted_until_seq: bigint; oldest: Date | null };

/** A page of streams after `after` in name order, each with the time of its oldest change. */
function streamPage(db: Db, after: string, only: string | null): Promise<Candidate[]> {
  return db.$queryRaw<Candidate[]>`
    SELECT s.name, s.head_seq, s.compacted_until_seq, o.created_at AS oldest
    FROM streams s
    LEFT JOIN LATERAL (SELECT created_at FROM changes c WHERE c.stream = s.name ORDER BY c.seq LIMIT 1) o ON true
    WHERE s.name > ${after} AND (${only}::text IS NULL OR s.name = ${only})
    ORDER BY s.name LIMIT ${STREAM_PAGE}`;
}

/** Whether a stream may have anything to compact; planning decides how much. */
function isCandidate(row: Candidate, policy: CompactionPolicy, now: Date): boolean {
  if (row.head_seq - row.compacted_until_seq > BigInt(policy.maxChangesPerStream)) return true;
  return row.oldest !== null && row.oldest.getTime() < now.getTime() - policy.retentionMs;
}

export async function compactStreams(
  db: Db, policy: CompactionPolicy, now: Date, options: { stream?: string } = {},
): Promise<CompactionSummary> {
  const summary: CompactionSummary = {
    streamsChecked: 0, streamsCompacted: 0, changesDeleted: 0, tombstonesPurged: 0, expiredBootstrapHolds: 0, feedEventsPruned: 0, streams: [],
  };
  summary.expiredBootstrapHolds = await releaseExpiredHolds(db, now);
  let after = "";
  for (;;) {
    const page = await streamPage(db, after, options.stream ?? null);
    for (const row of page) {
      await breathe();
      summary.streamsChecked += 1;
      if (!isCandidate(row, policy, now)) continue;
      const state: StreamState = { name: row.name, headSeq: row.head_seq, compactedUntilSeq: row.compacted_until_seq };
      const plan = await planStream(db, state, policy, now, row.oldest);
      const outcome = await compactStream(db, plan, policy.batchSize);
      if (outcome.to === outcome.from && outcome.changesDeleted === 0) continue;
      summary.streamsCompacted += 1;
      summary.changesDeleted += outcome.changesDeleted;
      summary.tombstonesPurged += outcome.tombstonesPurged;
      if (summary.streams.length < SUMMARY_STREAMS) summary.streams.push(outcome);
    }
    const last = page.at(-1);
    if (!last || page.length < STREAM_PAGE) {
      summary.feedEventsPruned = await pruneFeed(db, policy.batchSize);
      return summary;
    }
    after = last.name;
  }
}

/** A compaction run with its audit entry: always for a person's request, otherwise only when
 *  the run changed something (an idle hourly run is recorded in job_runs alone). */
export async function runCompaction(
  db: Db, policy: CompactionPolicy, now: Date, actor: AuditActor, options: { stream?: string; runId?: string } = {},
): Promise<CompactionSummary> {
  const summary = await compactStreams(db, policy, now, options);
  if (actor.type !== "system" || summary.streamsCompacted > 0) {
    await appendAudit(db, {
      actor,
      action: "compaction.run",
      target: options.stream ? { type: "stream", id: options.stream } : { type: "job", id: options.runId ?? "compaction" },
      details: { run_id: options.runId ?? null, ...summary },
    });
  }
  return summary;
}
