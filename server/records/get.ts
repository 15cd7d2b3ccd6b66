// One record for the console: its current row, its stream's compaction point, its open conflicts
// and the newest page of its history (see history.ts).
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import type { RecordData, RecordKey } from "../sync/records";
import { loadRecordHistory, type RecordHistory } from "./history";

export type RecordDetail = RecordKey & {
  version: number;
  data: RecordData;
  deleted: boolean;
  checksum: string;
  updatedAt: Date;
  createdAt: Date;
  lastSeq: number;
  /** The user whose own stream holds the record (`user:<id>`); null for shared streams. */
  ownerId: string | null;
  openConflicts: { id: string; policy: string; fields: string[]; userId: string; createdAt: Date }[];
  history: RecordHistory;
};

export function ownerOfStream(stream: string): string | null {
  return stream.startsWith("user:") ? stream.slice("user:".length) : null;
}

export async function getRecordOrThrow(db: DbOrTx, key: RecordKey, page: { beforeVersion?: number; limit: number }): Promise<RecordDetail> {
  const row = await db.record.findUnique({
    where: { stream_type_id: key },
    select: { version: true, data: true, deleted: true, checksum: true, updatedAt: true, createdAt: true, lastSeq: true },
  });
  if (!row) throw new AppError("not_found", `No record ${key.type}/${key.id} in ${key.stream}`);
  const [openConflicts, history] = await Promise.all([
    db.conflict.findMany({
      where: { stream: key.stream, type: key.type, recordId: key.id, status: "open" },
      orderBy: { createdAt: "desc" },
      select: { id: true, policy: true, fields: true, userId: true, createdAt: true },
    }),
    loadRecordHistory(db, key, page),
  ]);
  return {
    ...key, ...row, data: row.data as RecordData, lastSeq: Number(row.lastSeq), ownerId: ownerOfStream(key.stream), openConflicts, history,
  };
}
