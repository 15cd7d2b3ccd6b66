// The storage a SyncClient keeps its state in. Reads are plain; every change goes through one
// `write`, which must be atomic (all of it or none survives a crash): that is what lets the client
// persist a bundle before sending it and apply a pull page together with its token.
import type { LocalConflict, LocalRecord, Meta, OutboxEntry, RecordKey } from "../types";

export type StorageWrite = {
  /** Forget every record first (a new bootstrap); the outbox and conflicts stay. */
  clearRecords?: boolean;
  /** Records to insert or replace (tombstones included). */
  records?: LocalRecord[];
  outboxPut?: OutboxEntry[];
  outboxRemove?: number[];
  conflictsPut?: LocalConflict[];
  conflictsRemove?: string[];
  meta?: Partial<Meta>;
};

export type RecordFilter = { type?: string; stream?: string };

export interface SyncStorage {
  getMeta(): Promise<Partial<Meta>>;
  getRecord(key: RecordKey): Promise<LocalRecord | null>;
  listRecords(filter: RecordFilter): Promise<LocalRecord[]>;
  /** The outbox in `seq` order. */
  listOutbox(): Promise<OutboxEntry[]>;
  listConflicts(): Promise<LocalConflict[]>;
  write(change: StorageWrite): Promise<void>;
  close(): Promise<void>;
}
