// React Native's SQLite drivers do not run here. These stand-ins give better-sqlite3 their async
// shapes, so AsyncSqliteStorage runs its real SQL against real SQLite files: `expoLike` behaves as
// expo-sqlite's SQLiteDatabase (every call resolves on a later turn; withTransactionAsync is
// BEGIN/COMMIT on the one connection, not exclusive, as in expo), `opSqliteLike` as op-sqlite's DB
// (`execute` resolving to `{ rows }`). What they cannot show is the behaviour of the native code.
import Database from "better-sqlite3";
import type { AsyncSqlDatabase, SqlValue } from "@syncdesk/client";
import type { OpSqliteLike } from "@syncdesk/client/op-sqlite";

const later = () => new Promise<void>((resolve) => setImmediate(resolve));

export type Driver<T> = { db: T; raw: Database.Database };

export function expoLike(file: string): Driver<AsyncSqlDatabase> {
  const raw = new Database(file);
  const db: AsyncSqlDatabase = {
    execAsync: async (sql) => {
      await later();
      raw.exec(sql);
    },
    runAsync: async (sql, params) => {
      await later();
      return raw.prepare(sql).run(...params);
    },
    getFirstAsync: async <T>(sql: string, params: SqlValue[]) => {
      await later();
      return (raw.prepare(sql).get(...params) as T | undefined) ?? null;
    },
    getAllAsync: async <T>(sql: string, params: SqlValue[]) => {
      await later();
      return raw.prepare(sql).all(...params) as T[];
    },
    withTransactionAsync: async (task) => {
      await later();
      raw.exec("BEGIN");
      try {
        await task();
      } catch (error) {
        raw.exec("ROLLBACK");
        throw error;
      }
      raw.exec("COMMIT");
    },
    closeAsync: async () => {
      await later();
      raw.close();
    },
  };
  return { db, raw };
}

export function opSqliteLike(file: string): Driver<OpSqliteLike> {
  const raw = new Database(file);
  const db: OpSqliteLike = {
    execute: async (sql, params = []) => {
      await later();
      const statement = raw.prepare(sql);
      if (statement.reader) return { rows: statement.all(...params) as Record<string, unknown>[] };
      statement.run(...params);
      return { rows: [] };
    },
    close: () => {
      raw.close();
    },
  };
  return { db, raw };
}
