// The sequencer: turns the committed outside writes staged in capture_log into changes, after
// their commit (docs/tables.md "How it works"). Steps, in one transaction:
//   1. one sequencer at a time across instances (a transaction advisory lock; a background pass
//      that finds it taken leaves the work to its holder);
//   2. read the next complete transactions of the log, in commit order (sequence-read.ts), and the
//      mirror records of the rows they wrote;
//   3. plan each transaction's ops against the mirror (sequence-plan.ts);
//   4. lock the head rows of every stream the plan writes, in name order (as every bundle does:
//      seqs become visible in seq order), give each transaction consecutive seqs per stream and
//      chain their fingerprints; each change is attributed to the role that wrote it
//      ("sql:<role>"). A stream's changes of one pass by one role, with no other role's between
//      them, are one bundle: one feed event (one webhook) rather than one per transaction, so a
//      burst of small transactions costs a feed row per stream, not per row (docs/tables.md);
//   5. write changes, records, heads and feed events in one statement, and delete the log rows.
// After commit, the advanced heads are announced to live connections, like a push's.
import type { Db } from "../db/client";
import { logger } from "../log";
import { engineOf, sqlOf, type Sql } from "../db/sql";
import { recordBundleCommit } from "../metrics/registry";
import { announceCommit } from "../sync/announce";
import { lockHeads } from "../sync/bundle";
import { chainHash } from "../sync/fingerprint";
import type { Heads } from "../live/hub";
import { planTransactions, type MirrorRecord } from "./sequence-plan";
import { readLoggedTransactions } from "./sequence-read";

const LOCK = "hashtext('syncdesk.capture.sequence')";

/** Rows written (by all log rows) one pass reads at most; one transaction larger than that is read whole. */
const BATCH_ROWS = 5_000;

/** `full`: the batch reached its size, so more is probably waiting. */
export type Sequenced = { transactions: number; changes: number; heads: Heads; full: boolean };

/**
 * Sequences one batch inside the caller's transaction. `wait`: wait for a running sequencer
 * instead of leaving the work to it (a writer that needs the mirror current does).
 */
export async function sequenceBatch(sql: Sql, wait: boolean): Promise<Sequenced> {
  const none: Sequenced = { transactions: 0, changes: 0, heads: {}, full: false };
  // 1.
  if (wait) await sql(`SELECT pg_advisory_xact_lock(${LOCK})`);
  else if (!(await sql<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOCK}) AS ok`))[0]?.ok) return none;
  // 2.
  const logged = await readLoggedTransactions(sql, BATCH_ROWS);
  if (logged.length === 0) return none;
  const keys = new Map(logged.flatMap((tx) => tx.rows).map((r) => [`${r.type}\u0000${r.id}`, r]));
  const mirror = await sql<MirrorRecord>(
    `SELECT r.stream, r.type, r.id, r.version, r.data, r.deleted, r.checksum FROM records r
     JOIN unnest($1::text[], $2::text[]) AS k(type, id) ON r.type = k.type AND r.id = k.id`,
    [[...keys.values()].map((r) => r.type), [...keys.values()].map((r) => r.id)], { prepare: true });
  // 3.
  const planned = planTransactions(logged, mirror);
  // 4.
  const streams = [...new Set(planned.flatMap((tx) => tx.ops.map((op) => op.stream)))].sort();
  const heads = new Map((streams.length > 0 ? await lockHeads(sql, streams) : []).map((h) => [h.name, { seq: BigInt(h.head_seq), hash: h.head_hash }]));
  const changes: object[] = [];
  const records = new Map<string, object>();
  const events = new Map<string, FeedRun[]>();
  for (const tx of planned) {
    for (const op of tx.ops) {
      const head = heads.get(op.stream);
      if (!head) throw new Error(`sequencer: stream ${op.stream} was not locked`);
      head.seq += 1n;
      head.hash = chainHash(head.hash, { seq: head.seq, type: op.type, id: op.id, op: op.op, version: op.version, checksum: op.checksum });
      extendRun(events, op.stream, tx.role, head.seq);
      changes.push({ stream: op.stream, seq: head.seq.toString(), type: op.type, record_id: op.id, op: op.op, version: op.version, data: op.data, hash: head.hash, source: `sql:${tx.role}` });
      records.set(`${op.stream}\u0000${op.type}\u0000${op.id}`, {
        stream: op.stream, type: op.type, id: op.id, version: op.version, data: op.recordData, deleted: op.op === "delete", checksum: op.checksum, last_seq: head.seq.toString(),
      });
    }
  }
  // 5.
  const moved = [...heads].map(([name, h]) => ({ name, head: h.seq.toString(), hash: h.hash }));
  await sql(WRITE, [JSON.stringify(changes), JSON.stringify([...records.values()]), JSON.stringify(moved), JSON.stringify(feedEvents(events)), logged.flatMap((tx) => tx.logIds)], { prepare: true });
  const rows = logged.reduce((n, tx) => n + tx.rows.length, 0);
  return { transactions: logged.length, changes: changes.length, heads: Object.fromEntries(moved.map((m) => [m.name, Number(m.head)])), full: rows >= BATCH_ROWS };
}

/** A feed event in the making: a stream's consecutive seqs written by one role in this pass. */
type FeedRun = { role: string; from: bigint; to: bigint };

function extendRun(runs: Map<string, FeedRun[]>, stream: string, role: string, seq: bigint): void {
  const list = runs.get(stream) ?? [];
  runs.set(stream, list);
  const open = list.at(-1);
  if (open && open.role === role) open.to = seq;
  else list.push({ role, from: seq, to: seq });
}

function feedEvents(runs: Map<string, FeedRun[]>): object[] {
  return [...runs].flatMap(([stream, list]) => list.map((run) => ({ stream, from: run.from.toString(), to: run.to.toString(), role: run.role })))
    .map((event, n) => ({ n, ...event }));
}

const WRITE = `
  WITH c AS (
    INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, hash, source)
    SELECT stream, seq, type, record_id, op, version, data, now(), hash, source
    FROM jsonb_to_recordset($1::jsonb) AS x(stream text, seq bigint, type text, record_id text, op text, version int, data jsonb, hash text, source text)
  ), r AS (
    INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
    SELECT stream, type, id, version, data, deleted, checksum, now(), last_seq
    FROM jsonb_to_recordset($2::jsonb) AS x(stream text, type text, id text, version int, data jsonb, deleted boolean, checksum text, last_seq bigint)
    ON CONFLICT (stream, type, id) DO UPDATE SET
      version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
      checksum = EXCLUDED.checksum, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq
  ), e AS (
    INSERT INTO feed_events (stream, from_seq, to_seq, batch_id, source_kind, source_id)
    SELECT stream, "from", "to", NULL, 'sql', role
    FROM jsonb_to_recordset($4::jsonb) AS x(n int, stream text, "from" bigint, "to" bigint, role text) ORDER BY n
  ), d AS (
    DELETE FROM capture_log WHERE id = ANY($5::bigint[])
  )
  UPDATE streams s SET head_seq = m.head, head_hash = m.hash, updated_at = now()
  FROM jsonb_to_recordset($3::jsonb) AS m(name text, head bigint, hash text) WHERE s.name = m.name`;

/** One batch in its own transaction, announced after commit. */
async function sequencePass(db: Db, wait: boolean): Promise<Sequenced> {
  const started = performance.now();
  const done = await engineOf(db).transaction((sql) => sequenceBatch(sql, wait));
  if (done.transactions === 0) return done;
  recordBundleCommit("capture", done.changes, (performance.now() - started) / 1000);
  await announceCommit(db, done.heads);
  return done;
}

/** One batch (none when the log is empty); how many transactions it took. */
export async function sequenceCaptured(db: Db, wait = false): Promise<number> {
  if (!wait && !(await anythingLogged(db))) return 0;
  return (await sequencePass(db, wait)).transactions;
}

/** An idle pass is this one autocommit read, not a transaction. */
const anythingLogged = async (db: Db) => (await sqlOf(db)("SELECT 1 FROM capture_log LIMIT 1")).length > 0;

/** Sequences everything committed so far (waiting for a running sequencer). */
export async function drainCaptured(db: Db): Promise<void> {
  while ((await sequenceCaptured(db, true)) > 0);
}

/** How often an instance looks for committed outside writes. */
export const SEQUENCE_INTERVAL_MS = 50;

/**
 * Starts the background passes; returns a stop, which resolves once a running pass is done. One
 * pass per interval, and the next one at once only while passes come back full: under a steady
 * load of small transactions, back-to-back passes of a few rows each spent more on their fixed
 * cost (a transaction, its commit, the head locks) than on the rows, on the cores the writers use.
 */
export function startCaptureSequencer(db: Db, intervalMs = SEQUENCE_INTERVAL_MS): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= (async () => {
      if (!(await anythingLogged(db))) return;
      while ((await sequencePass(db, false)).full);
    })()
      .catch((error: unknown) => logger.warn({ err: error }, "capture: sequencing outside writes failed; the next pass retries"))
      .finally(() => { running = undefined; });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
