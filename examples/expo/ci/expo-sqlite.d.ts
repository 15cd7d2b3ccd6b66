// What the example uses of expo-sqlite (v16), declared as the package declares it, so CI checks
// the example without installing Expo (expo-sqlite's peers, expo and react-native, are hundreds of
// megabytes). A real app gets these from the package itself; App.tsx is the same either way.
declare module "expo-sqlite" {
  export type SQLiteBindValue = string | number | null | boolean | Uint8Array;
  export type SQLiteBindParams = Record<string, SQLiteBindValue> | SQLiteBindValue[];
  export interface SQLiteRunResult {
    lastInsertRowId: number;
    changes: number;
  }
  export interface SQLiteOpenOptions {
    enableChangeListener?: boolean;
    useNewConnection?: boolean;
  }
  export class SQLiteDatabase {
    readonly databasePath: string;
    execAsync(source: string): Promise<void>;
    runAsync(source: string, params: SQLiteBindParams): Promise<SQLiteRunResult>;
    runAsync(source: string, ...params: SQLiteBindValue[]): Promise<SQLiteRunResult>;
    getFirstAsync<T>(source: string, params: SQLiteBindParams): Promise<T | null>;
    getFirstAsync<T>(source: string, ...params: SQLiteBindValue[]): Promise<T | null>;
    getAllAsync<T>(source: string, params: SQLiteBindParams): Promise<T[]>;
    getAllAsync<T>(source: string, ...params: SQLiteBindValue[]): Promise<T[]>;
    withTransactionAsync(task: () => Promise<void>): Promise<void>;
    closeAsync(): Promise<void>;
  }
  export function openDatabaseAsync(databaseName: string, options?: SQLiteOpenOptions, directory?: string): Promise<SQLiteDatabase>;
}
