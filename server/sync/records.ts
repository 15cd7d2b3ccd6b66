// Reading current records and committing a record change: the record row and its change-log
// entry are always staged together in the caller's bundle, and flushed together when it closes.
import type { Sql } from "../db/sql";
import type { Bundle } from "./bundle";
import { checksumOf, sha256Hex } from "./canonical";
import type { TRecord } from "@syncdesk/protocol";

export type RecordKey = { stream: string; type: string; id: string };
export type RecordData = Record<string, unknown>;
export type RecordRow = RecordKey & {
  version: number;
  data: RecordData;
  deleted: boolean;
  checksum: string;
  updatedAt: Date;
};
/** Devices receive it as the change's `conflict`; `restored_version` marks a staff restore. */
export type ChangeHint = { conflict_id?: string; fields: string[]; reason: string; restored_version?: number };

/** The columns of a record read in SQL (prefix them as `r.` with RECORD_COLUMNS_OF), as RawRecord. */
export const RECORD_COLUMNS = "stream, type, id, version, data, deleted, checksum, updated_at";
export const RECORD_COLUMNS_OF = (alias: string) => RECORD_COLUMNS.split(", ").map((c) => `${alias}.${c}`).join(", ");

export type RawRecord = RecordKey & { version: number; data: RecordData; deleted: boolean; checksum: string; updated_at: Date | string };

export const toRecordRow = (r: RawRecord): RecordRow => ({
  stream: r.stream, type: r.type, id: r.id, version: r.version, data: r.data, deleted: r.deleted,
  checksum: r.checksum, updatedAt: new Date(r.updated_at),
});

export async function findRecord(sql: Sql, key: RecordKey): Promise<RecordRow | null> {
  const [row] = await sql<RawRecord>(`SELECT ${RECORD_COLUMNS} FROM records WHERE stream = $1 AND type = $2 AND id = $3`,
    [key.stream, key.type, key.id]);
  return row ? toRecordRow(row) : null;
}

/** The record's data as of `version`, from the change log (null once compacted away). */
export async function findDataAtVersion(sql: Sql, key: RecordKey, version: number): Promise<RecordData | null> {
  const [change] = await sql<{ data: RecordData | null }>(
    `SELECT data FROM changes WHERE stream = $1 AND type = $2 AND record_id = $3 AND version = $4::int AND op = 'upsert' LIMIT 1`,
    [key.stream, key.type, key.id, version]);
  return change?.data ?? null;
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
    stream: key.stream,
    type: key.type,
    id: key.id,
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
