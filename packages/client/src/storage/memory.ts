// A SyncStorage in memory: for tests, and for apps that keep nothing between launches. Values are
// copied in and out, so a caller can never change stored state by holding on to an object.
import { keyString, type LocalConflict, type LocalRecord, type Meta, type OutboxEntry, type RecordKey } from "../types";
import type { RecordFilter, StorageWrite, SyncStorage } from "./types";

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryStorage implements SyncStorage {
  private meta: Partial<Meta> = {};
  private readonly records = new Map<string, LocalRecord>();
  private readonly outbox = new Map<number, OutboxEntry>();
  private readonly conflicts = new Map<string, LocalConflict>();

  async getMeta(): Promise<Partial<Meta>> {
    return copy(this.meta);
  }

  async getRecord(key: RecordKey): Promise<LocalRecord | null> {
    const row = this.records.get(keyString(key));
    return row ? copy(row) : null;
  }

  async listRecords(filter: RecordFilter): Promise<LocalRecord[]> {
    return [...this.records.values()]
      .filter((r) => (!filter.type || r.type === filter.type) && (!filter.stream || r.stream === filter.stream))
      .map(copy);
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return [...this.outbox.values()].sort((a, b) => a.seq - b.seq).map(copy);
  }

  async listConflicts(): Promise<LocalConflict[]> {
    return [...this.conflicts.values()].map(copy);
  }

  async write(change: StorageWrite): Promise<void> {
    const c = copy(change); // copied first: nothing below can throw half-way
    if (c.clearRecords) this.records.clear();
    for (const r of c.records ?? []) this.records.set(keyString(r), r);
    for (const seq of c.outboxRemove ?? []) this.outbox.delete(seq);
    for (const e of c.outboxPut ?? []) this.outbox.set(e.seq, e);
    for (const id of c.conflictsRemove ?? []) this.conflicts.delete(id);
    for (const x of c.conflictsPut ?? []) this.conflicts.set(x.id, x);
    if (c.meta) this.meta = { ...this.meta, ...c.meta };
  }

  async close(): Promise<void> {}
}
