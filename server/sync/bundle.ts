// A bundle is every change one operation (a push, a resolution, a replay) writes. Its streams'
// head rows are locked FOR UPDATE first, in name order, and held until commit: a later writer to
// the same stream waits, so seqs become visible in seq order and a pull can never skip a lower seq
// that commits late (research/scenarios.md). Seqs within one bundle and stream are consecutive.
//
// Writes are staged in memory and flushed by `close()` in one statement (records, changes, heads),
// so a 500-item push costs a handful of round trips instead of three per item. Reads of records go
// through the bundle, so later items see earlier items' staged writes. Writers open bundles through
// `commitBundle` (commit-bundle.ts), never directly.
//
// Each change gets its history fingerprint at close() (fingerprint.ts): chained from the locked
// head's hash, in seq order, and the heads keep the last one. The flush also writes the change
// feed's outbox: one event per stream the bundle advanced (server/feed/sequence.ts).
import type { Sql } from "../db/sql";
import type { TChangeSource } from "../feed/source";
import { writeTables } from "../capture/write-table";
import { chainHash } from "./fingerprint";
import { RECORD_COLUMNS_OF, toRecordRow, type ChangeHint, type RawRecord, type RecordData, type RecordKey, type RecordRow } from "./records";

export type StagedChange = {
  key: RecordKey;
  seq: bigint;
  op: "upsert" | "delete";
  version: number;
  data: RecordData | null;
  updatedAt: Date;
  hint: ChangeHint | null;
};

/**
 * The sync batch row's answer (a push's stored response and counts): the flush writes it in its
 * own statement, one round trip less per push than an UPDATE of its own.
 */
export type BatchAnswer = { response: string; status: string; ok: number; errors: number; conflicts: number };

/** What a bundle is part of: the sync batch (pushes and replays) and who wrote it. */
export type BundleOrigin = { batchId: string | null; source: TChangeSource };

export type Bundle = {
  batchId: string | null;
  /** The next seq of `stream`; the stream must be one the bundle locked. */
  nextSeq(stream: string): bigint;
  /** The record as this bundle sees it: staged writes first, then the database. */
  readRecord(key: RecordKey): Promise<RecordRow | null>;
  /** readRecord's answer when the bundle knows it without a query (staged, read or prefetched); else undefined. */
  knownRecord(key: RecordKey): RecordRow | null | undefined;
  /** The record as committed before this bundle (null when absent or never read by it). */
  committedRecord(key: RecordKey): RecordRow | null;
  /** Loads many records in one query (an optimisation; readRecord works without it). */
  prefetch(keys: RecordKey[]): Promise<void>;
  stage(record: RecordRow, change: StagedChange): void;
  /** Staged records (latest state per key), e.g. for uniqueness checks. */
  stagedRecords(): Iterable<RecordRow & { lastSeq: bigint }>;
  /** Marks a record's table row as written by its item (capture/write-item.ts): close() skips it. */
  tableWritten(key: RecordKey): void;
  /**
   * Writes staged records and changes, the new heads and `answer` (on the bundle's batch row), in
   * one statement. Call once, before commit.
   */
  close(answer?: BatchAnswer): Promise<void>;
  /** Forgets every staged write (an atomic rejection): close() then writes nothing. */
  discard(): void;
  /** How many changes close() writes. */
  changeCount(): number;
  /** The streams this bundle wrote to, with their new head seq (to announce after commit). */
  advancedHeads(): Record<string, number>;
};

// Length-prefixed, so no stream, type or id can make two keys collide (JSON.stringify of the
// triple cost a push ~0.2 ms per 100 items).
const keyOf = (k: RecordKey) => `${k.stream.length}:${k.stream}${k.type.length}:${k.type}${k.id}`;

type StagedRecord = RecordRow & { lastSeq: bigint; dataInChange: boolean };
/** A change with the checksum of the record it leaves (part of its fingerprint). */
type StagedLink = StagedChange & { checksum: string };

async function loadRecords(sql: Sql, keys: RecordKey[]): Promise<RecordRow[]> {
  if (keys.length === 0) return [];
  const rows = await sql<RawRecord>(
    `SELECT ${RECORD_COLUMNS_OF("r")}
     FROM records r
     JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(stream, type, id)
       ON r.stream = k.stream AND r.type = k.type AND r.id = k.id`,
    [keys.map((k) => k.stream), keys.map((k) => k.type), keys.map((k) => k.id)],
    { prepare: true },
  );
  return rows.map(toRecordRow);
}

export type HeadRow = { name: string; head_seq: bigint | string; head_hash: string | null };

const LOCK_HEADS = "SELECT name, head_seq, head_hash FROM streams WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE";

/**
 * Locks the head rows of `names` (sorted), creating missing streams first. Most bundles write one
 * existing stream: its lock is tried alone, one statement instead of two. Several streams are
 * always created, then locked in one sorted statement: locking the existing ones before creating
 * the others would take locks out of name order, and two such bundles could deadlock.
 */
export async function lockHeads(sql: Sql, names: string[]): Promise<HeadRow[]> {
  if (names.length === 1) {
    const rows = await sql<HeadRow>(LOCK_HEADS, [names], { prepare: true });
    if (rows.length === 1) return rows;
  }
  await sql("INSERT INTO streams (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING", [names], { prepare: true });
  return sql<HeadRow>(LOCK_HEADS, [names], { prepare: true });
}

/** Opens a bundle in the transaction whose statements `sql` runs (commit-bundle.ts). */
export async function openBundle(sql: Sql, streams: readonly string[], origin: BundleOrigin): Promise<Bundle> {
  const { batchId, source } = origin;
  const names = [...new Set(streams)].sort();
  const locked = await lockHeads(sql, names);
  const start = new Map(locked.map((r) => [r.name, BigInt(r.head_seq)]));
  const startHashes = new Map(locked.map((r) => [r.name, r.head_hash]));
  const heads = new Map(start);
  const loaded = new Map<string, RecordRow | null>();
  const staged = new Map<string, StagedRecord>();
  const changes: StagedLink[] = [];
  const tableRowsWritten = new Set<string>();

  return {
    batchId,
    nextSeq(stream) {
      const head = heads.get(stream);
      if (head === undefined) throw new Error(`stream ${stream} is not locked by this bundle`);
      heads.set(stream, head + 1n);
      return head + 1n;
    },
    knownRecord(key) {
      const id = keyOf(key);
      return staged.get(id) ?? loaded.get(id);
    },
    async readRecord(key) {
      const id = keyOf(key);
      const local = staged.get(id) ?? loaded.get(id);
      if (local !== undefined) return local;
      const [row] = await loadRecords(sql, [key]);
      loaded.set(id, row ?? null);
      return row ?? null;
    },
    committedRecord: (key) => loaded.get(keyOf(key)) ?? null,
    async prefetch(keys) {
      const missing = keys.filter((k) => !loaded.has(keyOf(k)) && !staged.has(keyOf(k)));
      for (const k of missing) loaded.set(keyOf(k), null);
      for (const row of await loadRecords(sql, missing)) loaded.set(keyOf(row), row);
    },
    stage(record, change) {
      // Literals, not spreads: copying by spread was the push's largest own CPU item after the
      // GC (bench/profiles/2026-12-07-push.md); these are every field of the two types.
      staged.set(keyOf(record), {
        stream: record.stream, type: record.type, id: record.id, version: record.version, data: record.data, deleted: record.deleted,
        checksum: record.checksum, updatedAt: record.updatedAt, lastSeq: change.seq, dataInChange: change.data === record.data,
      });
      changes.push({
        key: change.key, seq: change.seq, op: change.op, version: change.version, data: change.data, updatedAt: change.updatedAt,
        hint: change.hint, checksum: record.checksum,
      });
    },
    stagedRecords: () => staged.values(),
    tableWritten: (key) => void tableRowsWritten.add(keyOf(key)),
    discard() {
      staged.clear();
      tableRowsWritten.clear();
      changes.length = 0;
      for (const [name, head] of start) heads.set(name, head);
    },
    changeCount: () => changes.length,
    advancedHeads: () =>
      Object.fromEntries([...heads].filter(([name, head]) => head !== start.get(name)).map(([name, head]) => [name, Number(head)])),
    async close(answer) {
      const moved = [...heads].filter(([name, head]) => head !== start.get(name));
      if (moved.length === 0 && staged.size === 0) {
        if (answer && batchId) await writeBatchAnswer(sql, batchId, answer);
        return;
      }
      const { rows, headHashes } = chainChanges(changes, startHashes);
      // Table-backed types: the team's table first (capture/write-table.ts).
      const unwritten = [...staged.values()].filter((r) => !tableRowsWritten.has(keyOf(r)));
      await writeTables(sql, unwritten, source, batchId);
      await sql(FLUSH_SQL, [
        JSON.stringify([...staged.values()].map(recordRow)),
        JSON.stringify(rows),
        batchId,
        JSON.stringify(moved.map(([name, head]) => ({
          name, from: ((start.get(name) ?? 0n) + 1n).toString(), head: head.toString(), hash: headHashes.get(name) ?? null,
        }))),
        source.kind,
        source.id,
        ...answerParams(answer),
      ], { prepare: true });
    },
  };
}

// The flush is one statement: records, changes and stream heads, each table's rows as one JSON
// parameter (one JSON.stringify; pg's array literals escape every element in JavaScript). A
// record whose data is its latest change's (every upsert) is sent without it and takes it from
// that change: a push sends each document once, not twice. Each advanced head is one feed event.
const FLUSH_SQL = `
  WITH ch AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(stream text, seq bigint, type text, record_id text, op text,
      version int, data jsonb, updated_at timestamptz, conflict jsonb, hash text)
  ), m AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($4::jsonb) AS m(name text, "from" bigint, head bigint, hash text)
  ), c AS (
    INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, batch_id, conflict, hash, source)
    SELECT stream, seq, type, record_id, op, version, data, updated_at, $3::uuid, conflict, hash, $5 || ':' || $6 FROM ch
  ), e AS (
    INSERT INTO feed_events (stream, from_seq, to_seq, batch_id, source_kind, source_id)
    SELECT name, "from", head, $3::uuid, $5, $6 FROM m ORDER BY name
  ), r AS (
    INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
    SELECT x.stream, x.type, x.id, x.version, COALESCE(x.data, ch.data), x.deleted, x.checksum, x.updated_at, x.last_seq
    FROM jsonb_to_recordset($1::jsonb) AS x(stream text, type text, id text, version int, data jsonb,
      deleted boolean, checksum text, updated_at timestamptz, last_seq bigint)
    LEFT JOIN ch ON ch.stream = x.stream AND ch.seq = x.last_seq AND x.data IS NULL
    ON CONFLICT (stream, type, id) DO UPDATE SET
      version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
      checksum = EXCLUDED.checksum, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq
  ), b AS (
    UPDATE sync_batches SET response = $7::jsonb, status = $8, ok_count = $9::int, error_count = $10::int, conflict_count = $11::int
    WHERE $7::jsonb IS NOT NULL AND id = $3::uuid
  )
  UPDATE streams s SET head_seq = m.head, head_hash = m.hash, updated_at = now()
  FROM m WHERE s.name = m.name`;

const answerParams = (answer: BatchAnswer | undefined) =>
  answer ? [answer.response, answer.status, answer.ok, answer.errors, answer.conflicts] : [null, null, null, null, null];

/** The batch row's answer alone, for a transaction whose flush writes nothing (or that opened no bundle). */
export async function writeBatchAnswer(sql: Sql, batchId: string, answer: BatchAnswer): Promise<void> {
  await sql(
    `UPDATE sync_batches SET response = $2::jsonb, status = $3, ok_count = $4::int, error_count = $5::int, conflict_count = $6::int
     WHERE id = $1::uuid`,
    [batchId, ...answerParams(answer)],
    { prepare: true },
  );
}

const recordRow = (r: StagedRecord) => ({
  stream: r.stream, type: r.type, id: r.id, version: r.version, data: r.dataInChange ? undefined : r.data, deleted: r.deleted,
  checksum: r.checksum, updated_at: r.updatedAt.toISOString(), last_seq: r.lastSeq.toString(),
});

const changeRow = (c: StagedChange, hash: string) => ({
  stream: c.key.stream, seq: c.seq.toString(), type: c.key.type, record_id: c.key.id, op: c.op, version: c.version,
  data: c.data, updated_at: c.updatedAt.toISOString(), conflict: c.hint, hash,
});

/** The changes' rows with their chained hashes (in seq order per stream), and each stream's last hash. */
function chainChanges(changes: StagedLink[], startHashes: Map<string, string | null>) {
  const before = (a: StagedLink, b: StagedLink) =>
    a.key.stream === b.key.stream ? (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0) : a.key.stream < b.key.stream ? -1 : 1;
  // Staged in seq order; one stream (most bundles) is in order already, and Array#sort would copy.
  const ordered = changes.every((c, i) => i === 0 || before(changes[i - 1] as StagedLink, c) < 0) ? changes : [...changes].sort(before);
  const headHashes = new Map<string, string | null>(startHashes);
  const rows = ordered.map((c) => {
    const hash = chainHash(headHashes.get(c.key.stream) ?? null, { seq: c.seq, type: c.key.type, id: c.key.id, op: c.op, version: c.version, checksum: c.checksum });
    headHashes.set(c.key.stream, hash);
    return changeRow(c, hash);
  });
  return { rows, headHashes };
}
