// "@syncdesk/client/react": hooks over a SyncClient's local state and events. Each takes the
// client itself (typed by its type map), so no provider is needed; pass it down as the app likes.
export { useConflicts, useRecord, useRecords, type ConflictsState, type RecordState, type RecordsState } from "./records";
export { useSyncStatus, type SyncStatus } from "./sync-status";
