// WatermelonDB pull (its backend contract, "Implementing pull endpoint"), over the change log of
// the caller's user stream. The timestamp we issue is a stream position (seq), not a clock: a
// pull returns exactly the changes after it, whatever the clocks do (timestamp.ts).
//   1. In one REPEATABLE READ snapshot: the stream's head H and compaction point.
//   2. last_pulled_at 0: every live record of the mapped types, as `created`.
//      Otherwise the changes in (last_pulled_at, H], one entry per record: `deleted` when its
//      latest change is a delete, else `updated` with its latest state. Never `created`: a record
//      born in the window may be the puller's own push, and WatermelonDB answers `created` for a
//      record it deleted locally meanwhile by dropping that local delete. `updated` creates what
//      is missing (apps pass `sendCreatedAsUpdated: true` to silence its warning about that).
//      A position below the compaction point (its deletes are gone) is refused with 412
//      compacted; one above H, or whose 16-bit fingerprint (timestamp.ts) differs from the
//      history here (a restore or failover), with 412 history_diverged. Either way the app resets
//      its database and pulls from null (docs/watermelondb.md says what it loses).
//   3. Tables the app added (or added columns to) since its last sync come whole (`migration`).
//   4. timestamp: H and its fingerprint (timestamp.ts; never 0, which WatermelonDB refuses).
import type { Db, Tx } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import type { RecordData } from "../sync/records";
import { bootstrapRequired } from "../sync/tokens";
import type { TWatermelonPullQuery, TWatermelonPullResponse, TWatermelonTableChanges } from "./schemas";
import { getWatermelonTable, type RawRecord, tableOfType, toRawRecord, watermelonTables } from "./tables";
import { judgeWatermelon, positionOf, timestampOf, type WatermelonPosition } from "./timestamp";

type Entry = { kind: "created" | "updated" | "deleted"; raw: RawRecord | null };

export async function pullWatermelon(db: Db, device: DeviceContext, query: TWatermelonPullQuery): Promise<TWatermelonPullResponse> {
  const stream = `user:${device.userId}`;
  const types = Object.values(watermelonTables()).map((t) => t.type);
  return db.$transaction(async (tx) => {
    // 1.
    await tx.$executeRaw`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`;
    const row = await tx.stream.findUnique({ where: { name: stream }, select: { headSeq: true, compactedUntilSeq: true, headHash: true, compactedHash: true } });
    const head = Number(row?.headSeq ?? 0n);
    const position = positionOf(query.last_pulled_at);
    const since = position.seq;
    if (query.last_pulled_at !== 0) await checkPosition(tx, stream, row, position);
    // 2.
    const entries = new Map<string, Map<string, Entry>>();
    const put = (type: string, id: string, entry: Entry) => {
      const table = tableOfType(type);
      if (!table) return;
      const byId = entries.get(table) ?? new Map<string, Entry>();
      entries.set(table, byId);
      if (!byId.has(id)) byId.set(id, entry);
    };
    if (query.last_pulled_at === 0) await putLiveRecords(tx, stream, types, "created", put);
    else await putChanges(tx, stream, types, since, put);
    // 3.
    const migrated = new Set([...(query.migration?.tables ?? []), ...(query.migration?.columns ?? []).map((c) => c.table)]);
    for (const name of migrated) {
      const table = getWatermelonTable(name);
      if (!table) continue; // a local-only table: nothing of it lives here
      const kind = query.migration?.tables.includes(name) ? "created" : "updated";
      await putLiveRecords(tx, stream, [table.type], kind, put);
    }
    // 4.
    return { changes: toChanges(entries), timestamp: timestampOf(head, row?.headHash ?? null) };
  });
}

type StreamRow = { headSeq: bigint; compactedUntilSeq: bigint; compactedHash: string | null } | null;

/** Step 2's refusals: below the compaction point, ahead of the head, or in another history. */
async function checkPosition(tx: Tx, stream: string, row: StreamRow, position: WatermelonPosition): Promise<void> {
  const change = position.seq > 0 ? await tx.change.findUnique({ where: { stream_seq: { stream, seq: BigInt(position.seq) } }, select: { hash: true } }) : null;
  const verdict = judgeWatermelon({
    seq: position.seq,
    headSeq: Number(row?.headSeq ?? 0n),
    compactedUntilSeq: Number(row?.compactedUntilSeq ?? 0n),
    changeHash: change?.hash ?? null,
    changeExists: change !== null,
    compactedHash: row?.compactedHash ?? null,
  }, position);
  if (verdict === "compacted") throw bootstrapRequired("compacted", "Changes since last_pulled_at were compacted; reset the local database and pull again");
  if (verdict === "ahead" || verdict === "diverged") {
    throw bootstrapRequired("history_diverged", "last_pulled_at is not in this server's history (a restore or failover); reset the local database and pull again");
  }
}

type Put = (type: string, id: string, entry: Entry) => void;

function raw(type: string, id: string, data: RecordData): RawRecord {
  const name = tableOfType(type);
  const table = name ? getWatermelonTable(name) : undefined;
  if (!table) throw new AppError("internal", `no Watermelon table for ${type}`);
  return toRawRecord(table, id, data);
}

async function putLiveRecords(tx: Tx, stream: string, types: string[], kind: Entry["kind"], put: Put): Promise<void> {
  const records = await tx.record.findMany({
    where: { stream, type: { in: types }, deleted: false },
    select: { type: true, id: true, data: true },
    orderBy: [{ type: "asc" }, { id: "asc" }],
  });
  for (const r of records) put(r.type, r.id, { kind, raw: raw(r.type, r.id, r.data as RecordData) });
}

async function putChanges(tx: Tx, stream: string, types: string[], since: number, put: Put): Promise<void> {
  const changes = await tx.change.findMany({
    where: { stream, type: { in: types }, seq: { gt: BigInt(since) } },
    select: { type: true, recordId: true, op: true, version: true, data: true },
    orderBy: { seq: "desc" }, // latest first: the first entry of a record is its state now
  });
  for (const c of changes) {
    const entry: Entry = c.op === "delete" ? { kind: "deleted", raw: null } : { kind: "updated", raw: raw(c.type, c.recordId, c.data as RecordData) };
    put(c.type, c.recordId, entry);
  }
}

function toChanges(entries: Map<string, Map<string, Entry>>): Record<string, TWatermelonTableChanges> {
  const changes: Record<string, TWatermelonTableChanges> = {};
  for (const name of Object.keys(watermelonTables())) {
    const table: TWatermelonTableChanges = { created: [], updated: [], deleted: [] };
    for (const [id, entry] of entries.get(name) ?? []) {
      if (entry.kind === "deleted") table.deleted.push(id);
      else if (entry.raw) table[entry.kind].push(entry.raw);
    }
    changes[name] = table;
  }
  return changes;
}
