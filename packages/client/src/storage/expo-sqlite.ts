// "@syncdesk/client/expo-sqlite": the storage of an Expo app. expo-sqlite's `SQLiteDatabase`
// already has the shape AsyncSqliteStorage uses, so this only opens it; the package imports
// nothing of expo-sqlite (the app passes its own database):
//
//   import * as SQLite from "expo-sqlite";
//   import { openExpoSqliteStorage } from "@syncdesk/client/expo-sqlite";
//   const storage = await openExpoSqliteStorage(await SQLite.openDatabaseAsync("sync.db"));
import { AsyncSqliteStorage, type AsyncSqlDatabase } from "./async-sqlite";

export { AsyncSqliteStorage, type AsyncSqlDatabase };

/** Creates the tables if needed. Give the storage a database file of its own (async-sqlite.ts). */
export function openExpoSqliteStorage(db: AsyncSqlDatabase): Promise<AsyncSqliteStorage> {
  return AsyncSqliteStorage.open(db);
}
