// @syncdesk/client's main entry (Node, browsers, React Native). Storage adapters that need a
// driver are subpath exports, so an app loads only its own: "@syncdesk/client/sqlite"
// (better-sqlite3, Node), "@syncdesk/client/expo-sqlite", "@syncdesk/client/op-sqlite"; the
// React hooks are "@syncdesk/client/react". AsyncSqliteStorage (any async SQLite driver of
// expo-sqlite's shape) needs no native module of its own and is exported here.
export { SyncClient, type SyncClientOptions, type SyncReport } from "./client";
export type { ConflictChoice } from "./conflicts";
export type { SyncEvents } from "./context";
export { SyncError, type FetchLike, type SyncErrorCode } from "./http";
export type { Live, LiveOptions } from "./live";
export type { RetryPolicy, Sleep } from "./retry";
export { bytesSource, type UploadOptions, type UploadResult, type UploadSource } from "./upload";
export { MemoryStorage } from "./storage/memory";
export { AsyncSqliteStorage, type AsyncSqlDatabase, type SqlValue } from "./storage/async-sqlite";
export type { RecordFilter, StorageWrite, SyncStorage } from "./storage/types";
export type {
  Data, EditAction, LocalConflict, LocalError, LocalRecord, Meta, OutboxEntry, RecordKey, TypeMap, TypeName, ViewRecord,
} from "./types";
