// The SQL of the SQLite storages, written once: the tables, the reads, and a `StorageWrite` turned
// into the statements of one transaction. `SqliteStorage` (better-sqlite3, Node) runs them
// synchronously, `AsyncSqliteStorage` (React Native: expo-sqlite, op-sqlite) through an async
// driver; both store the same bytes, so a file written by one is read by the other.
// Parameters are positional `?` only: every SQLite binding supports them.
import type { LocalConflict, LocalRecord, Meta, OutboxEntry, RecordKey } from "../types";
import type { RecordFilter, StorageWrite } from "./types";

export type SqlValue = string | number | null;
export type Statement = { sql: string; params: SqlValue[] };

/** Run once per open, one statement at a time (some drivers run only the first of a script). */
export const SETUP: readonly string[] = [
  "PRAGMA journal_mode = WAL",
  // FULL: a committed write survives power loss too, not only a killed process.
  "PRAGMA synchronous = FULL",
  `CREATE TABLE IF NOT EXISTS records (
    stream TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL,
    version INTEGER NOT NULL, data TEXT NOT NULL, deleted INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (stream, type, id)
  )`,
  "CREATE INDEX IF NOT EXISTS records_type ON records (type)",
  "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS conflicts (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

export type RecordRow = { stream: string; type: string; id: string; version: number; data: string; deleted: number; updated_at: string };
export type MetaRow = { key: string; value: string };

export const READ = {
  meta: "SELECT key, value FROM meta",
  record: "SELECT * FROM records WHERE stream = ? AND type = ? AND id = ?",
  records: "SELECT * FROM records WHERE (? IS NULL OR type = ?) AND (? IS NULL OR stream = ?)",
  outbox: "SELECT entry FROM outbox ORDER BY seq",
  conflicts: "SELECT body FROM conflicts ORDER BY rowid",
} as const;

export const recordParams = (key: RecordKey): SqlValue[] => [key.stream, key.type, key.id];

export const recordsParams = (filter: RecordFilter): SqlValue[] => {
  const type = filter.type ?? null;
  const stream = filter.stream ?? null;
  return [type, type, stream, stream];
};

export const toRecord = (row: RecordRow): LocalRecord => ({
  stream: row.stream,
  type: row.type,
  id: row.id,
  version: Number(row.version),
  data: JSON.parse(row.data) as LocalRecord["data"],
  deleted: Number(row.deleted) === 1,
  updated_at: row.updated_at,
});

export const toMeta = (rows: MetaRow[]): Partial<Meta> =>
  Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown])) as Partial<Meta>;

export const toOutboxEntry = (row: { entry: string }): OutboxEntry => JSON.parse(row.entry) as OutboxEntry;
export const toConflict = (row: { body: string }): LocalConflict => JSON.parse(row.body) as LocalConflict;

/**
 * The statements of one write, in the order the storage contract applies them (clear, records,
 * outbox, conflicts, meta). Everything is serialized here, before the first statement runs.
 */
export function writeStatements(change: StorageWrite): Statement[] {
  const out: Statement[] = [];
  const add = (sql: string, ...params: SqlValue[]) => out.push({ sql, params });
  if (change.clearRecords) add("DELETE FROM records");
  for (const r of change.records ?? []) {
    add(
      "INSERT OR REPLACE INTO records (stream, type, id, version, data, deleted, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      r.stream, r.type, r.id, r.version, JSON.stringify(r.data), r.deleted ? 1 : 0, r.updated_at,
    );
  }
  for (const seq of change.outboxRemove ?? []) add("DELETE FROM outbox WHERE seq = ?", seq);
  for (const e of change.outboxPut ?? []) add("INSERT OR REPLACE INTO outbox (seq, entry) VALUES (?, ?)", e.seq, JSON.stringify(e));
  for (const id of change.conflictsRemove ?? []) add("DELETE FROM conflicts WHERE id = ?", id);
  for (const c of change.conflictsPut ?? []) add("INSERT OR REPLACE INTO conflicts (id, body) VALUES (?, ?)", c.id, JSON.stringify(c));
  for (const [key, value] of Object.entries(change.meta ?? {})) {
    if (value !== undefined) add("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }
  return out;
}
