// The SDK's public entry point (Node, browsers, React Native). The better-sqlite3 storage is
// Node-only and imported from "sdk/storage/sqlite" where wanted; the React Native SQLite storage
// (AsyncSqliteStorage) needs no native module of its own and is exported here.
export { SyncClient, type SyncClientOptions, type SyncReport } from "./client";
export type { ConflictChoice } from "./conflicts";
export type { SyncEvents } from "./context";
export { SyncError, type FetchLike, type SyncErrorCode } from "./http";
export type { Live, LiveOptions } from "./live";
export type { RetryPolicy, Sleep } from "./retry";
export { bytesSource, type UploadOptions, type UploadResult, type UploadSource } from "./upload";
export { MemoryStorage } from "./storage/memory";
export { AsyncSqliteStorage, type AsyncSqlDatabase, type SqlValue } from "./storage/async-sqlite";
export { fromOpSqlite, type OpSqliteLike } from "./storage/op-sqlite";
export type { RecordFilter, StorageWrite, SyncStorage } from "./storage/types";
export type { Data, LocalConflict, LocalError, LocalRecord, Meta, OutboxEntry, RecordKey, ViewRecord } from "./types";
