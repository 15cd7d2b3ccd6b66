// A SyncStorage in one SQLite file (better-sqlite3, Node). Each `write` is one SQLite transaction,
// so an edit queued offline, a bundle marked in flight or a pull page with its token survives a
// crash whole or not at all. The SQL is shared with the React Native storage (sql.ts,
// async-sqlite.ts); only the driver differs.
import Database from "better-sqlite3";
import type { LocalConflict, LocalRecord, Meta, OutboxEntry, RecordKey } from "../types";
import { READ, SETUP, recordParams, recordsParams, toConflict, toMeta, toOutboxEntry, toRecord, writeStatements, type MetaRow, type RecordRow } from "./sql";
import type { RecordFilter, StorageWrite, SyncStorage } from "./types";

export class SqliteStorage implements SyncStorage {
  private readonly db: Database.Database;
  private readonly prepared = new Map<string, Database.Statement>();

  /** Opens (or creates) the storage file; `:memory:` works too. */
  constructor(file: string) {
    this.db = new Database(file);
    for (const sql of SETUP) this.db.exec(sql);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) this.prepared.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  async getMeta(): Promise<Partial<Meta>> {
    return toMeta(this.statement(READ.meta).all() as MetaRow[]);
  }

  async getRecord(key: RecordKey): Promise<LocalRecord | null> {
    const row = this.statement(READ.record).get(...recordParams(key)) as RecordRow | undefined;
    return row ? toRecord(row) : null;
  }

  async listRecords(filter: RecordFilter): Promise<LocalRecord[]> {
    return (this.statement(READ.records).all(...recordsParams(filter)) as RecordRow[]).map(toRecord);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return (this.statement(READ.outbox).all() as { entry: string }[]).map(toOutboxEntry);
  }

  async listConflicts(): Promise<LocalConflict[]> {
    return (this.statement(READ.conflicts).all() as { body: string }[]).map(toConflict);
  }

  async write(change: StorageWrite): Promise<void> {
    const statements = writeStatements(change);
    this.db.transaction(() => {
      for (const s of statements) this.statement(s.sql).run(...s.params);
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
