// "@syncdesk/client/op-sqlite": op-sqlite (@op-engineering/op-sqlite) as an `AsyncSqlDatabase`,
// for `AsyncSqliteStorage`:
//
//   import { open } from "@op-engineering/op-sqlite";
//   import { openOpSqliteStorage } from "@syncdesk/client/op-sqlite";
//   const storage = await openOpSqliteStorage(open({ name: "sync.db" }));
//
// For op-sqlite versions whose `execute` is async and answers `{ rows }` as an array of objects
// (older ones answered `rows._array` synchronously). Typed by shape: no dependency on op-sqlite. Its `execute` runs on one connection in
// order, so a transaction is BEGIN ... COMMIT through it (AsyncSqliteStorage never interleaves).
import { AsyncSqliteStorage, type AsyncSqlDatabase, type SqlValue } from "./async-sqlite";

/** What this adapter uses of op-sqlite's DB (`execute` resolving to `{ rows }`, `close`). */
export type OpSqliteLike = {
  execute(query: string, params?: SqlValue[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): void | Promise<void>;
};

export function fromOpSqlite(db: OpSqliteLike): AsyncSqlDatabase {
  const all = async <T>(sql: string, params: SqlValue[]) => (await db.execute(sql, params)).rows as T[];
  return {
    execAsync: async (sql) => void (await db.execute(sql)),
    runAsync: (sql, params) => db.execute(sql, params),
    getAllAsync: all,
    getFirstAsync: async <T>(sql: string, params: SqlValue[]) => (await all<T>(sql, params))[0] ?? null,
    withTransactionAsync: async (task) => {
      await db.execute("BEGIN IMMEDIATE");
      try {
        await task();
      } catch (error) {
        await db.execute("ROLLBACK");
        throw error;
      }
      await db.execute("COMMIT");
    },
    closeAsync: async () => void (await db.close()),
  };
}

/** Creates the tables if needed. Give the storage a database file of its own (async-sqlite.ts). */
export function openOpSqliteStorage(db: OpSqliteLike): Promise<AsyncSqliteStorage> {
  return AsyncSqliteStorage.open(fromOpSqlite(db));
}
