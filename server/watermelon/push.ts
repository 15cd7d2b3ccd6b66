// WatermelonDB push (its backend contract, "Implementing push endpoint"), as one atomic push of
// the sync engine:
//   1. Idempotency: a retry of the same push (same last_pulled_at and changes) gets the stored
//      outcome of the first, so a push whose answer was lost is never applied twice.
//   2. Whitelist tables and columns; map raw records to items of the user's stream.
//   3. Abort (409) if any record was written after last_pulled_at: the app pulls, then pushes again.
//   4. Created: a create, or an update of a record that exists (an earlier push of it succeeded).
//      Updated: an update, or a create of a record never seen; a deleted record is a 409.
//      Deleted: a delete; one that does not exist (or no longer does) is ignored.
//   5. Apply atomically, based on the versions read in 3: a record written between 3 and 5 makes
//      the item go through its type's policy without a client time or version, which keeps the
//      server's side (a merge-policy type merges disjoint edits); anything not ok aborts it all.
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import { canonicalJson, sha256Hex } from "../sync/canonical";
import { applyPush } from "../sync/push";
import { LIMITS, type TPushItem, type TPushResponse } from "@syncdesk/protocol";
import type { TWatermelonChanges } from "./schemas";
import { fromRawRecord, getWatermelonTable } from "./tables";
import { positionOf } from "./timestamp";

type Current = { version: number; deleted: boolean; lastSeq: bigint };

export async function pushWatermelon(db: Db, device: DeviceContext, lastPulledAt: number, changes: TWatermelonChanges): Promise<{ applied: number }> {
  // 1. 52 bits of the request's hash: a safe integer, and a bundle_id no SDK counter reaches.
  const bundleId = Number.parseInt(sha256Hex(canonicalJson({ lastPulledAt, changes })).slice(0, 13), 16);
  const stored = await db.syncBatch.findUnique({
    where: { deviceRef_bundleId: { deviceRef: device.deviceRef, bundleId: BigInt(bundleId) } },
    select: { response: true },
  });
  if (stored) return outcome(stored.response as TPushResponse, []);

  // 2.
  const stream = `user:${device.userId}`;
  const wanted: { table: string; type: string; id: string; kind: "created" | "updated" | "deleted"; data: Record<string, unknown> | null }[] = [];
  for (const [name, tableChanges] of Object.entries(changes)) {
    const table = getWatermelonTable(name);
    if (!table) throw new AppError("invalid_request", `Table ${name} is not synced`, { fields: [{ field: name, message: "unknown table" }] });
    for (const raw of tableChanges.created) wanted.push({ table: name, type: table.type, id: raw.id, kind: "created", data: fromRawRecord(table, raw) });
    for (const raw of tableChanges.updated) wanted.push({ table: name, type: table.type, id: raw.id, kind: "updated", data: fromRawRecord(table, raw) });
    for (const id of tableChanges.deleted) wanted.push({ table: name, type: table.type, id, kind: "deleted", data: null });
  }
  if (wanted.length === 0) return { applied: 0 };
  if (wanted.length > LIMITS.maxPushItems) {
    throw new AppError("payload_too_large", `At most ${LIMITS.maxPushItems} changed records per push`, { limit: LIMITS.maxPushItems });
  }

  // 3.
  const pulledUpTo = positionOf(lastPulledAt).seq;
  const rows = await db.record.findMany({
    where: { stream, OR: wanted.map((w) => ({ type: w.type, id: w.id })) },
    select: { type: true, id: true, version: true, deleted: true, lastSeq: true },
  });
  const current = new Map<string, Current>(rows.map((r) => [`${r.type}/${r.id}`, r]));
  for (const w of wanted) {
    const row = current.get(`${w.type}/${w.id}`);
    if (row && row.lastSeq > BigInt(pulledUpTo)) {
      throw new AppError("conflict", `${w.table} ${w.id} changed on the server since last_pulled_at; pull, then push again`, { table: w.table, id: w.id });
    }
  }

  // 4.
  const items: TPushItem[] = [];
  const labels: string[] = [];
  for (const w of wanted) {
    const row = current.get(`${w.type}/${w.id}`);
    const base = { type: w.type, id: w.id, stream };
    if (w.kind === "deleted") {
      if (!row || row.deleted) continue;
      items.push({ ...base, action: "delete", base_version: row.version });
    } else if (row?.deleted) {
      throw new AppError("conflict", `${w.table} ${w.id} was deleted on the server; pull, then push again`, { table: w.table, id: w.id });
    } else {
      items.push(row ? { ...base, action: "update", data: w.data ?? {}, base_version: row.version } : { ...base, action: "create", data: w.data ?? {} });
    }
    labels.push(`${w.table}.${w.id}`);
  }
  if (items.length === 0) return { applied: 0 };

  // 5.
  const response = await applyPush(db, device, { device_id: device.deviceId, bundle_id: bundleId, mode: "atomic", items });
  return outcome(response, labels);
}

/** An applied push counts its items; a rejected one becomes the error the app's pushChanges sees. */
function outcome(response: TPushResponse, labels: string[]): { applied: number } {
  if (response.status === "applied") return { applied: response.results.length };
  const failed = response.results.filter((r) => r.status === "conflict" || r.status === "error");
  const label = (index: number) => labels[index] ?? `item ${index}`;
  const conflict = failed.find((r) => r.status === "conflict");
  if (conflict) {
    throw new AppError("conflict", `${label(conflict.index)} changed on the server; pull, then push again`, { record: label(conflict.index) });
  }
  throw new AppError("invalid_request", "Some records were refused; nothing was applied", {
    fields: failed.map((r) => ({ field: label(r.index), message: `${r.error?.code ?? "error"}: ${r.error?.message ?? ""}` })),
  });
}
