// Reading current records and committing a record change: the record row and its change-log
// entry are always staged together in the caller's bundle, and flushed together when it closes.
import type { DbOrTx } from "../db/client";
import type { Bundle } from "./bundle";
import { checksumOf, sha256Hex } from "./canonical";
import type { TRecord } from "./schemas";

export type RecordKey = { stream: string; type: string; id: string };
export type RecordData = Record<string, unknown>;
export type RecordRow = RecordKey & {
  version: number;
  data: RecordData;
  deleted: boolean;
  checksum: string;
  updatedAt: Date;
};
export type ChangeHint = { conflict_id?: string; fields: string[]; reason: string };

const recordSelect = {
  stream: true, type: true, id: true, version: true, data: true, deleted: true, checksum: true, updatedAt: true,
} as const;

export async function findRecord(db: DbOrTx, key: RecordKey): Promise<RecordRow | null> {
  const row = await db.record.findUnique({ where: { stream_type_id: key }, select: recordSelect });
  return row ? { ...row, data: row.data as RecordData } : null;
}

/** The record's data as of `version`, from the change log (null once compacted away). */
export async function findDataAtVersion(db: DbOrTx, key: RecordKey, version: number): Promise<RecordData | null> {
  const change = await db.change.findFirst({
    where: { stream: key.stream, type: key.type, recordId: key.id, version, op: "upsert" },
    select: { data: true },
  });
  return (change?.data as RecordData | null | undefined) ?? null;
}

export type RecordWrite = {
  op: "upsert" | "delete";
  data: RecordData | null;
  /** canonicalJson(data), when the caller has it already. */
  canonical?: string;
  updatedAt: Date;
  hint?: ChangeHint;
};

/** Stages the next version of a record and its change in the bundle (flushed on close). */
export function commitRecordChange(
  bundle: Bundle,
  key: RecordKey,
  existing: RecordRow | null,
  write: RecordWrite,
): RecordRow {
  const version = (existing?.version ?? 0) + 1;
  // A tombstone keeps its last data for the console; devices never receive it.
  const data = write.op === "delete" ? (existing?.data ?? {}) : (write.data ?? {});
  const row: RecordRow = {
    ...key,
    version,
    data,
    deleted: write.op === "delete",
    checksum: write.canonical !== undefined && data === write.data ? `sha256:${sha256Hex(write.canonical)}` : checksumOf(data),
    updatedAt: write.updatedAt,
  };
  bundle.stage(row, {
    key,
    seq: bundle.nextSeq(key.stream),
    op: write.op,
    version,
    data: write.op === "delete" ? null : data,
    updatedAt: write.updatedAt,
    hint: write.hint ?? null,
  });
  return row;
}

export function toWireRecord(row: RecordRow): TRecord {
  return {
    type: row.type,
    id: row.id,
    stream: row.stream,
    version: row.version,
    data: row.data,
    deleted: row.deleted,
    updated_at: row.updatedAt.toISOString(),
    checksum: row.checksum,
  };
}
