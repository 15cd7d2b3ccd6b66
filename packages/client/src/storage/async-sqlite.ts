// A SyncStorage over an async SQLite driver, for React Native. `AsyncSqlDatabase` is the part of
// expo-sqlite's `SQLiteDatabase` this storage uses, so an expo database is passed as it is:
//
//   import * as SQLite from "expo-sqlite";
//   const storage = await AsyncSqliteStorage.open(await SQLite.openDatabaseAsync("sync.db"));
//
// op-sqlite goes through `fromOpSqlite` (op-sqlite.ts). The package depends on neither. The SQL is
// the Node storage's (sql.ts). Each `write` is one transaction; this storage runs its own calls one
// at a time, because a driver's transaction is not exclusive (expo: "any query that runs while the
// transaction is active will be included in the transaction"). Give it a database of its own.
import type { LocalConflict, LocalRecord, Meta, OutboxEntry, RecordKey } from "../types";
import { READ, SETUP, recordParams, recordsParams, toConflict, toMeta, toOutboxEntry, toRecord, writeStatements, type MetaRow, type RecordRow, type SqlValue } from "./sql";
import type { RecordFilter, StorageWrite, SyncStorage } from "./types";

export type { SqlValue };

/** The subset of expo-sqlite's SQLiteDatabase used here (positional parameters only). */
export interface AsyncSqlDatabase {
  execAsync(source: string): Promise<void>;
  runAsync(source: string, params: SqlValue[]): Promise<unknown>;
  getFirstAsync<T>(source: string, params: SqlValue[]): Promise<T | null>;
  getAllAsync<T>(source: string, params: SqlValue[]): Promise<T[]>;
  /** BEGIN, the task, COMMIT; ROLLBACK (and rethrow) if the task throws. */
  withTransactionAsync(task: () => Promise<void>): Promise<void>;
  closeAsync?(): Promise<void>;
}

export class AsyncSqliteStorage implements SyncStorage {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly db: AsyncSqlDatabase) {}

  /** Creates the tables if needed; the database stays the caller's to open (and ours to close). */
  static async open(db: AsyncSqlDatabase): Promise<AsyncSqliteStorage> {
    const storage = new AsyncSqliteStorage(db);
    await storage.serial(async () => {
      for (const sql of SETUP) await db.execAsync(sql);
    });
    return storage;
  }

  /** Runs `fn` after every call made before it has finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  getMeta(): Promise<Partial<Meta>> {
    return this.serial(async () => toMeta(await this.db.getAllAsync<MetaRow>(READ.meta, [])));
  }

  getRecord(key: RecordKey): Promise<LocalRecord | null> {
    return this.serial(async () => {
      const row = await this.db.getFirstAsync<RecordRow>(READ.record, recordParams(key));
      return row ? toRecord(row) : null;
    });
  }

  listRecords(filter: RecordFilter): Promise<LocalRecord[]> {
    return this.serial(async () => (await this.db.getAllAsync<RecordRow>(READ.records, recordsParams(filter))).map(toRecord));
  }

  listOutbox(): Promise<OutboxEntry[]> {
    return this.serial(async () => (await this.db.getAllAsync<{ entry: string }>(READ.outbox, [])).map(toOutboxEntry));
  }

  listConflicts(): Promise<LocalConflict[]> {
    return this.serial(async () => (await this.db.getAllAsync<{ body: string }>(READ.conflicts, [])).map(toConflict));
  }

  async write(change: StorageWrite): Promise<void> {
    const statements = writeStatements(change); // serialized before the transaction opens
    return this.serial(() =>
      this.db.withTransactionAsync(async () => {
        for (const s of statements) await this.db.runAsync(s.sql, s.params);
      }),
    );
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.db.closeAsync?.();
    });
  }
}
