// What the sequencer writes for a batch of logged transactions (sequence.ts), computed in memory
// with the rules of the commit-time flush (syncdesk_capture_flush, step 3): per transaction and
// row, a live mirror record on another stream than the row's (or whose row is gone) gets a delete;
// a row whose data differs from its record on its stream (or has none) gets an upsert; equal data
// gets nothing. Records are the mirror as it stands before the batch; the plan carries it forward
// transaction by transaction, so a row written by several transactions of one batch gets one
// change per transaction, each against the state the one before it left.
import { checksumOf } from "../sync/canonical";
import type { RecordData } from "../sync/records";
import type { LoggedTransaction } from "./sequence-read";

export type MirrorRecord = { stream: string; type: string; id: string; version: number; data: RecordData | null; deleted: boolean; checksum: string };

export type PlannedOp = {
  stream: string; type: string; id: string; op: "upsert" | "delete"; version: number;
  /** The change's data (null for a delete) and the record's (a deleted record keeps its last data). */
  data: RecordData | null; recordData: RecordData | null; checksum: string;
};

export type PlannedTransaction = { role: string; ops: PlannedOp[] };

const rowKey = (type: string, id: string) => `${type.length}:${type}${id}`;

/** The ops of each transaction, in (stream, type, id) order, as the flush orders a bundle. */
export function planTransactions(transactions: LoggedTransaction[], mirror: MirrorRecord[]): PlannedTransaction[] {
  const records = new Map<string, Map<string, MirrorRecord>>();
  for (const r of mirror) {
    const byStream = records.get(rowKey(r.type, r.id)) ?? new Map<string, MirrorRecord>();
    byStream.set(r.stream, r);
    records.set(rowKey(r.type, r.id), byStream);
  }
  return transactions.map((tx) => {
    const last = new Map(tx.rows.map((row) => [rowKey(row.type, row.id), row]));
    const ops: PlannedOp[] = [];
    for (const [key, row] of last) {
      const byStream = records.get(key) ?? new Map<string, MirrorRecord>();
      records.set(key, byStream);
      const live = [...byStream.values()].find((r) => !r.deleted);
      if (live && live.stream !== row.stream) {
        const gone = { ...live, version: live.version + 1, deleted: true };
        byStream.set(live.stream, gone);
        ops.push({ ...gone, op: "delete", data: null, recordData: live.data });
      }
      if (row.stream === null || row.data === null) continue;
      const checksum = checksumOf(row.data);
      const at = byStream.get(row.stream);
      if (at && !at.deleted && at.checksum === checksum) continue;
      const written = { stream: row.stream, type: row.type, id: row.id, version: (at?.version ?? 0) + 1, data: row.data, deleted: false, checksum };
      byStream.set(row.stream, written);
      ops.push({ ...written, op: "upsert", recordData: row.data });
    }
    ops.sort((a, b) => compare(a.stream, b.stream) || compare(a.type, b.type) || compare(a.id, b.id));
    return { role: tx.role, ops };
  });
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
