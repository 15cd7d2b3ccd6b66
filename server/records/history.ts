// A record's history from the change log, newest first: each version's time, source and field diff
// against the version before it. Compaction deletes old changes (keeping each record's latest), so
// the log may start after version 1: `compaction` says so, and from which version on it is whole.
import type { DbOrTx } from "../db/client";
import type { RecordData, RecordKey } from "../sync/records";
import { diffRecordData, type FieldChange } from "./diff";
import { attributeChanges, type VersionSource } from "./history-source";

export type RecordVersion = {
  seq: number;
  version: number;
  op: "upsert" | "delete";
  /** The data of this version; null for a delete. */
  data: RecordData | null;
  /** When the server committed it. */
  committedAt: Date;
  /** The writer's own timestamp (the device's clock for pushes). */
  updatedAt: Date;
  source: VersionSource;
  /** Null when the version before is not in the log any more (compacted). */
  diff: FieldChange[] | null;
};

export type RecordHistory = {
  versions: RecordVersion[];
  /** The version to ask for with `beforeVersion` for older ones, or null at the start of the log. */
  olderBefore: number | null;
  /** `cut`: versions before `firstLoggedVersion` (all, when null) were compacted away. */
  compaction: { compactedUntilSeq: number; cut: boolean; firstLoggedVersion: number | null };
};

export async function loadRecordHistory(db: DbOrTx, key: RecordKey, page: { beforeVersion?: number; limit: number }): Promise<RecordHistory> {
  const [rows, stream] = await Promise.all([
    db.change.findMany({
      where: { stream: key.stream, type: key.type, recordId: key.id, ...(page.beforeVersion ? { version: { lt: page.beforeVersion } } : {}) },
      orderBy: { version: "desc" },
      // One more than shown: it tells whether older ones exist and is the base of the oldest's diff.
      take: page.limit + 1,
      select: { seq: true, version: true, op: true, data: true, createdAt: true, updatedAt: true, batchId: true, conflict: true },
    }),
    db.stream.findUnique({ where: { name: key.stream }, select: { compactedUntilSeq: true } }),
  ]);
  const shown = rows.slice(0, page.limit);
  const sources = await attributeChanges(db, key, shown);
  const versions = shown.map((row, i): RecordVersion => {
    const before = rows[i + 1];
    const data = row.op === "delete" ? null : ((row.data ?? {}) as RecordData);
    const beforeData = before && before.op !== "delete" ? ((before.data ?? {}) as RecordData) : null;
    const hasBase = row.version === 1 || before?.version === row.version - 1;
    return {
      seq: Number(row.seq),
      version: row.version,
      op: row.op === "delete" ? "delete" : "upsert",
      data,
      committedAt: row.createdAt,
      updatedAt: row.updatedAt,
      source: sources[i] ?? { kind: "server" },
      diff: hasBase ? diffRecordData(row.version === 1 ? null : beforeData, data) : null,
    };
  });
  const oldest = rows.at(-1);
  const atStart = rows.length <= page.limit;
  return {
    versions,
    olderBefore: atStart ? null : (shown.at(-1)?.version ?? null),
    compaction: {
      compactedUntilSeq: Number(stream?.compactedUntilSeq ?? 0),
      cut: atStart && (!oldest || oldest.version > 1),
      firstLoggedVersion: atStart ? (oldest?.version ?? null) : null,
    },
  };
}
