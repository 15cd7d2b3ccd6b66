// A SyncStorage in one SQLite file (better-sqlite3, Node). Each `write` is one SQLite transaction,
// so an edit queued offline, a bundle marked in flight or a pull page with its token survives a
// crash whole or not at all. React Native apps implement SyncStorage over their own SQLite binding
// with the same four tables.
import Database from "better-sqlite3";
import type { LocalConflict, LocalRecord, Meta, OutboxEntry, RecordKey } from "../types";
import type { RecordFilter, StorageWrite, SyncStorage } from "./types";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS records (
    stream TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL,
    version INTEGER NOT NULL, data TEXT NOT NULL, deleted INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (stream, type, id)
  );
  CREATE INDEX IF NOT EXISTS records_type ON records (type);
  CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS conflicts (id TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

type RecordRow = { stream: string; type: string; id: string; version: number; data: string; deleted: number; updated_at: string };

const toRecord = (row: RecordRow): LocalRecord => ({
  stream: row.stream,
  type: row.type,
  id: row.id,
  version: row.version,
  data: JSON.parse(row.data) as LocalRecord["data"],
  deleted: row.deleted === 1,
  updated_at: row.updated_at,
});

export class SqliteStorage implements SyncStorage {
  private readonly db: Database.Database;

  /** Opens (or creates) the storage file; `:memory:` works too. */
  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // FULL: a committed write survives power loss too, not only a killed process.
    this.db.pragma("synchronous = FULL");
    this.db.exec(SCHEMA);
  }

  async getMeta(): Promise<Partial<Meta>> {
    const rows = this.db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown])) as Partial<Meta>;
  }

  async getRecord(key: RecordKey): Promise<LocalRecord | null> {
    const row = this.db
      .prepare("SELECT * FROM records WHERE stream = ? AND type = ? AND id = ?")
      .get(key.stream, key.type, key.id) as RecordRow | undefined;
    return row ? toRecord(row) : null;
  }

  async listRecords(filter: RecordFilter): Promise<LocalRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM records WHERE (@type IS NULL OR type = @type) AND (@stream IS NULL OR stream = @stream)")
      .all({ type: filter.type ?? null, stream: filter.stream ?? null }) as RecordRow[];
    return rows.map(toRecord);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    const rows = this.db.prepare("SELECT entry FROM outbox ORDER BY seq").all() as { entry: string }[];
    return rows.map((r) => JSON.parse(r.entry) as OutboxEntry);
  }

  async listConflicts(): Promise<LocalConflict[]> {
    const rows = this.db.prepare("SELECT body FROM conflicts ORDER BY rowid").all() as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as LocalConflict);
  }

  async write(change: StorageWrite): Promise<void> {
    const db = this.db;
    const putRecord = db.prepare(
      "INSERT OR REPLACE INTO records (stream, type, id, version, data, deleted, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    db.transaction(() => {
      if (change.clearRecords) db.prepare("DELETE FROM records").run();
      for (const r of change.records ?? []) {
        putRecord.run(r.stream, r.type, r.id, r.version, JSON.stringify(r.data), r.deleted ? 1 : 0, r.updated_at);
      }
      const removeEntry = db.prepare("DELETE FROM outbox WHERE seq = ?");
      for (const seq of change.outboxRemove ?? []) removeEntry.run(seq);
      const putEntry = db.prepare("INSERT OR REPLACE INTO outbox (seq, entry) VALUES (?, ?)");
      for (const e of change.outboxPut ?? []) putEntry.run(e.seq, JSON.stringify(e));
      const removeConflict = db.prepare("DELETE FROM conflicts WHERE id = ?");
      for (const id of change.conflictsRemove ?? []) removeConflict.run(id);
      const putConflict = db.prepare("INSERT OR REPLACE INTO conflicts (id, body) VALUES (?, ?)");
      for (const c of change.conflictsPut ?? []) putConflict.run(c.id, JSON.stringify(c));
      const putMeta = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
      for (const [key, value] of Object.entries(change.meta ?? {})) {
        if (value !== undefined) putMeta.run(key, JSON.stringify(value));
      }
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
