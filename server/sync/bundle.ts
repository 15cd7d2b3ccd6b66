// A bundle is every change one operation (a push, a resolution, a replay) writes. Its streams'
// head rows are locked FOR UPDATE first, in name order, and held until commit: a later writer to
// the same stream waits, so seqs become visible in seq order and a pull can never skip a lower seq
// that commits late (research/scenarios.md). Seqs within one bundle and stream are consecutive.
//
// Writes are staged in memory and flushed by `close()` as one multi-row statement per table, so a
// 500-item push costs a handful of round trips instead of three per item. Reads of records go
// through the bundle, so later items see earlier items' staged writes.
import type { DbOrTx, Tx } from "../db/client";
import type { ChangeHint, RecordData, RecordKey, RecordRow } from "./records";

export type StagedChange = {
  key: RecordKey;
  seq: bigint;
  op: "upsert" | "delete";
  version: number;
  data: RecordData | null;
  updatedAt: Date;
  hint: ChangeHint | null;
};

export type Bundle = {
  batchId: string | null;
  /** The next seq of `stream`; the stream must be one the bundle locked. */
  nextSeq(stream: string): bigint;
  /** The record as this bundle sees it: staged writes first, then the database. */
  readRecord(key: RecordKey): Promise<RecordRow | null>;
  /** Loads many records in one query (an optimisation; readRecord works without it). */
  prefetch(keys: RecordKey[]): Promise<void>;
  stage(record: RecordRow, change: StagedChange): void;
  /** Staged records (latest state per key), e.g. for uniqueness checks. */
  stagedRecords(): Iterable<RecordRow & { lastSeq: bigint }>;
  /** Writes staged records and changes and the new heads. Call once, before commit. */
  close(): Promise<void>;
  /** The streams this bundle wrote to, with their new head seq (to announce after commit). */
  advancedHeads(): Record<string, number>;
};

const keyOf = (k: RecordKey) => JSON.stringify([k.stream, k.type, k.id]);

type RawRecord = {
  stream: string; type: string; id: string; version: number; data: RecordData;
  deleted: boolean; checksum: string; updated_at: Date;
};

async function loadRecords(db: DbOrTx, keys: RecordKey[]): Promise<RecordRow[]> {
  if (keys.length === 0) return [];
  const rows = await db.$queryRaw<RawRecord[]>`
    SELECT r.stream, r.type, r.id, r.version, r.data, r.deleted, r.checksum, r.updated_at
    FROM records r
    JOIN unnest(${keys.map((k) => k.stream)}::text[], ${keys.map((k) => k.type)}::text[], ${keys.map((k) => k.id)}::text[])
      AS k(stream, type, id) ON r.stream = k.stream AND r.type = k.type AND r.id = k.id`;
  return rows.map((r) => ({ ...r, updatedAt: new Date(r.updated_at) }));
}

export async function openBundle(tx: Tx, streams: readonly string[], batchId: string | null): Promise<Bundle> {
  const names = [...new Set(streams)].sort();
  await tx.$executeRaw`INSERT INTO streams (name) SELECT unnest(${names}::text[]) ON CONFLICT (name) DO NOTHING`;
  const rows = await tx.$queryRaw<{ name: string; head_seq: bigint }[]>`
    SELECT name, head_seq FROM streams WHERE name = ANY(${names}::text[]) ORDER BY name FOR UPDATE`;
  const start = new Map(rows.map((r) => [r.name, BigInt(r.head_seq)]));
  const heads = new Map(start);
  const loaded = new Map<string, RecordRow | null>();
  const staged = new Map<string, RecordRow & { lastSeq: bigint }>();
  const changes: StagedChange[] = [];

  return {
    batchId,
    nextSeq(stream) {
      const head = heads.get(stream);
      if (head === undefined) throw new Error(`stream ${stream} is not locked by this bundle`);
      heads.set(stream, head + 1n);
      return head + 1n;
    },
    async readRecord(key) {
      const id = keyOf(key);
      const local = staged.get(id) ?? loaded.get(id);
      if (local !== undefined) return local;
      const [row] = await loadRecords(tx, [key]);
      loaded.set(id, row ?? null);
      return row ?? null;
    },
    async prefetch(keys) {
      const missing = keys.filter((k) => !loaded.has(keyOf(k)) && !staged.has(keyOf(k)));
      for (const k of missing) loaded.set(keyOf(k), null);
      for (const row of await loadRecords(tx, missing)) loaded.set(keyOf(row), row);
    },
    stage(record, change) {
      staged.set(keyOf(record), { ...record, lastSeq: change.seq });
      changes.push(change);
    },
    stagedRecords: () => staged.values(),
    advancedHeads: () =>
      Object.fromEntries([...heads].filter(([name, head]) => head !== start.get(name)).map(([name, head]) => [name, Number(head)])),
    async close() {
      await flushRecords(tx, [...staged.values()]);
      await flushChanges(tx, changes, batchId);
      for (const [name, head] of heads) {
        if (head === start.get(name)) continue;
        await tx.stream.update({ where: { name }, data: { headSeq: head, updatedAt: new Date() } });
      }
    },
  };
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

async function flushRecords(tx: Tx, rows: (RecordRow & { lastSeq: bigint })[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
    SELECT * FROM unnest(
      ${rows.map((r) => r.stream)}::text[], ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.id)}::text[],
      ${rows.map((r) => r.version)}::int[], ${rows.map((r) => json(r.data))}::jsonb[],
      ${rows.map((r) => r.deleted)}::boolean[], ${rows.map((r) => r.checksum)}::text[],
      ${rows.map((r) => r.updatedAt.toISOString())}::timestamptz[], ${rows.map((r) => r.lastSeq.toString())}::bigint[])
    ON CONFLICT (stream, type, id) DO UPDATE SET
      version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
      checksum = EXCLUDED.checksum, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq`;
}

async function flushChanges(tx: Tx, changes: StagedChange[], batchId: string | null): Promise<void> {
  if (changes.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, batch_id, conflict)
    SELECT stream, seq, type, record_id, op, version, data, updated_at, ${batchId}::uuid, conflict FROM unnest(
      ${changes.map((c) => c.key.stream)}::text[], ${changes.map((c) => c.seq.toString())}::bigint[],
      ${changes.map((c) => c.key.type)}::text[], ${changes.map((c) => c.key.id)}::text[],
      ${changes.map((c) => c.op)}::text[], ${changes.map((c) => c.version)}::int[],
      ${changes.map((c) => json(c.data))}::jsonb[], ${changes.map((c) => c.updatedAt.toISOString())}::timestamptz[],
      ${changes.map((c) => json(c.hint))}::jsonb[])
      AS c(stream, seq, type, record_id, op, version, data, updated_at, conflict)`;
}
