// The plan for sharding by stream on Citus (docs/deployment.md "When one primary is not enough")
// stays possible only while every table it distributes keeps its stream column in its primary key
// and in every unique index (Citus enforces uniqueness per shard), and while foreign keys between
// those tables carry the stream too. Checked on the migrated schema; a new table fails here until
// it is placed in the plan or exempted with a reason.
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlOf } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

/** Distributed by stream: the table and its stream column. */
const SHARDED: Record<string, string> = {
  streams: "name",
  records: "stream",
  changes: "stream",
  device_checkpoints: "stream",
  blob_refs: "stream",
};

/** Everything else, and why it need not be distributed by stream. */
const EXEMPT: Record<string, string> = {
  conflicts: "addressed by id (API paths, the console); one row per contested write, far fewer than changes: stays on the coordinator",
  bootstrap_holds: "one row per stream of an unfinished bootstrap, gone when its cursor expires: bounded by active devices",
  blobs: "keyed by content across streams (blob_refs, which is sharded, says which streams see one): coordinator or reference",
  feed_events: "the server API's feed is one order across all streams (position); pruned after its retention",
  webhook_deliveries: "ordered per endpoint (position), not per stream; pruned after delivery",
  webhook_attempts: "per delivery; pruned with it",
  webhook_endpoints: "configuration: a few rows",
  sync_batches: "per device (device_ref): distributed by device if ever needed; pruned after BATCH_RETENTION_DAYS",
  batch_attempts: "per batch: follows sync_batches",
  devices: "per device, referenced by device_checkpoints: a reference table at moderate size",
  audit_log: "operator history across everything; pruned after AUDIT_RETENTION_DAYS",
  capture_announce: "heads of committed SQL writes in flight only (table capture), taken by the next announcer pass",
  capture_log: "committed outside writes of captured tables until the sequencer takes them (seconds): a queue, not data",
  capture_pending: "rows of transactions in flight only (table capture), emptied at each commit",
  capture_tables: "configuration: one row per table-backed type",
  type_versions: "configuration: one row per type version",
  console_settings: "one row",
  staff_users: "operators: a few rows",
  service_keys: "configuration: a few rows",
  job_runs: "one row per job slot run; small and pruned",
  rate_limit_counters: "one row per active client window; expires",
  tus_uploads: "uploads in progress; expire",
  upload_sessions: "uploads in progress; expire",
  media_uploads: "presigned uploads in progress; expire",
  _prisma_migrations: "the migrator's own bookkeeping",
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

type IndexRow = { tbl: string; idx: string; cols: string[] };
type ForeignKeyRow = { tbl: string; fk: string; target: string; cols: string[]; target_cols: string[] };

const tables = () => sqlOf(db.prisma)<{ name: string }>(
  "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')");

it("places every table in the plan: sharded by stream, or exempt with a reason", async () => {
  const names = (await tables()).map((t) => t.name).sort();
  expect(names.filter((name) => !(name in SHARDED) && !(name in EXEMPT))).toEqual([]);
  expect(Object.keys(SHARDED).filter((name) => !names.includes(name))).toEqual([]);
});

it("keeps the stream column in the primary key and every unique index of each sharded table", async () => {
  const rows = await sqlOf(db.prisma)<IndexRow>(`
    SELECT c.relname AS tbl, i.relname AS idx,
      ARRAY(SELECT a.attname::text FROM unnest(x.indkey) AS k(attnum) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS cols
    FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND x.indisunique AND c.relname = ANY($1::text[])`, [Object.keys(SHARDED)]);
  expect(new Set(rows.map((r) => r.tbl))).toEqual(new Set(Object.keys(SHARDED))); // each has its primary key
  // An expression index has attnum 0 for its expression: its stream must still be a plain column.
  const missing = rows.filter((r) => !r.cols.includes(SHARDED[r.tbl] ?? "")).map((r) => `${r.tbl}.${r.idx} (${r.cols.join(", ")})`);
  expect(missing).toEqual([]);
});

it("keeps foreign keys between sharded tables on the stream column", async () => {
  const rows = await sqlOf(db.prisma)<ForeignKeyRow>(`
    SELECT c.relname AS tbl, k.conname AS fk, t.relname AS target,
      ARRAY(SELECT a.attname::text FROM unnest(k.conkey) AS u(n) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.n) AS cols,
      ARRAY(SELECT a.attname::text FROM unnest(k.confkey) AS u(n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.n) AS target_cols
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid
    WHERE k.contype = 'f' AND c.relname = ANY($1::text[]) AND t.relname = ANY($1::text[])`, [Object.keys(SHARDED)]);
  const offside = rows.filter((r) => !r.cols.includes(SHARDED[r.tbl] ?? "") || !r.target_cols.includes(SHARDED[r.target] ?? ""));
  expect(offside.map((r) => `${r.tbl}.${r.fk} -> ${r.target}`)).toEqual([]);
});
