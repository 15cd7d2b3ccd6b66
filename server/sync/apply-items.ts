// The item loop shared by push and replay (PROTOCOL.md "Push"):
//   1. atomic mode: a savepoint first, so a rejection can take back every effect of its items;
//   2. lock the rows they name in team tables (capture/write-table.ts), open the bundle on the
//      items' streams and read the records they name in one query;
//   3. apply each item (apply-item.ts); an ItemError is that item's error, never the batch's.
//      Rows of table-backed types are written together after the loop; when the team's table
//      refuses one, the loop runs again writing each row under its own savepoint, so the refused
//      item alone fails (capture/table-batch.ts);
//   4. atomic mode with any item not ok: describe each conflict against the committed record
//      (an earlier item's staged write never committed, so it is not the server's state), roll
//      back to the savepoint and discard the bundle; the items that would have applied say
//      `skipped`.
import type { DeviceContext } from "../devices/register";
import { sourceOfCaller } from "../feed/source";
import { beginTableBatch, endTableBatch } from "../capture/table-batch";
import { lockTableRows } from "../capture/write-table";
import { applyItem, itemStream, type ItemContext, type ItemOutcome } from "./apply-item";
import type { Bundle } from "./bundle";
import type { BundleTx } from "./commit-bundle";
import type { DataTexts } from "./canonical";
import { ItemError } from "./item-error";
import { differingFields } from "./policies";
import type { TPushItem, TPushRequest, TPushResult } from "@syncdesk/protocol";

export type ItemRun = {
  device: DeviceContext;
  batchId: string;
  mode: TPushRequest["mode"];
  now: Date;
  /** The items with their index in the stored request (a replay retries some of them). */
  entries: ReadonlyArray<{ item: TPushItem; index: number }>;
  /** client_temp_id -> id of creates applied before (a replay's earlier attempts). */
  tempIds?: Map<string, string>;
  /** A device's push, or an operator's replay of one (held to the same field guards). */
  writer: ItemContext["writer"];
  /** Canonical texts of the items' data, noted with the request's (push.ts); empty for a replay. */
  texts?: DataTexts;
};

export type ItemsApplied = { results: TPushResult[]; rejected: boolean };

export async function applyItems(tx: BundleTx, run: ItemRun): Promise<ItemsApplied> {
  const atomic = run.mode === "atomic";
  // 1.
  if (atomic) await tx.sql("SAVEPOINT atomic_items");
  // 2.
  const items = run.entries.map((e) => e.item);
  await lockTableRows(tx.sql, knownKeys(run.device, items));
  const bundle = await tx.open(bundleStreams(run.device, items), { batchId: run.batchId, source: sourceOfCaller(run.device) });
  await bundle.prefetch(knownKeys(run.device, items));
  const ctx: ItemContext = {
    sql: tx.sql, device: run.device, bundle, batchId: run.batchId, now: run.now,
    tempIds: run.tempIds ?? new Map(), storeConflicts: !atomic, writer: run.writer, texts: run.texts ?? new Map(),
  };
  // 3.
  const applyAll = async () => {
    ctx.tempIds = new Map(run.tempIds ?? []);
    const applied: ItemOutcome[] = [];
    for (const { item, index } of run.entries) applied.push(await applyItemSafely(ctx, item, index));
    return applied;
  };
  const batched = await beginTableBatch(tx.sql, bundle, items.map((i) => i.type));
  let outcomes = await applyAll();
  if (batched && !(await endTableBatch(tx.sql, bundle, sourceOfCaller(run.device)))) outcomes = await applyAll();
  // 4.
  const rejected = atomic && outcomes.some((o) => o.status !== "ok");
  if (rejected) {
    outcomes = outcomes.map((o) => describeCommitted(bundle, o));
    await tx.sql("ROLLBACK TO SAVEPOINT atomic_items");
    bundle.discard();
  }
  const results = outcomes.map((outcome, i) => toPushResult(outcome, run.entries[i]?.item, run.entries[i]?.index ?? i, rejected));
  return { results, rejected };
}

/** A conflict outcome restated against the record as committed before the bundle. */
function describeCommitted(bundle: Bundle, outcome: ItemOutcome): ItemOutcome {
  if (outcome.status !== "conflict") return outcome;
  const committed = bundle.committedRecord(outcome.key);
  const server = committed && !committed.deleted ? committed.data : null;
  const version = committed?.version ?? 0;
  return {
    ...outcome,
    version,
    conflict: {
      ...outcome.conflict,
      server_version: version,
      server_data: server,
      deleted: committed?.deleted ?? false,
      fields: differingFields(server, outcome.conflict.client_data),
    },
  };
}

/** The streams a bundle of items writes to (an item naming a stream it may not use reports it). */
export function bundleStreams(device: DeviceContext, items: readonly TPushItem[]): string[] {
  return items.flatMap((item) => {
    try {
      return [itemStream(device, item)];
    } catch {
      return []; // reported by the item itself
    }
  });
}

/** The records the items name by id (a temp id of an earlier create resolves later, on its own). */
export function knownKeys(device: DeviceContext, items: readonly TPushItem[]) {
  const tempIds = new Set(items.flatMap((item) => (item.client_temp_id ? [item.client_temp_id] : [])));
  return items.flatMap((item) => {
    if (!item.id || tempIds.has(item.id)) return [];
    try {
      return [{ stream: itemStream(device, item), type: item.type, id: item.id }];
    } catch {
      return [];
    }
  });
}

async function applyItemSafely(ctx: ItemContext, item: TPushItem, index: number): Promise<ItemOutcome> {
  try {
    return await applyItem(ctx, item, index);
  } catch (error) {
    if (!(error instanceof ItemError)) throw error;
    return { status: "error", id: item.id ?? null, code: error.code, message: error.message, fields: error.fields };
  }
}

/** An item's wire result; in a rejected atomic push an item that would have applied is `skipped`. */
function toPushResult(outcome: ItemOutcome, item: TPushItem | undefined, index: number, rejected: boolean): TPushResult {
  const base = { index, client_temp_id: item?.client_temp_id ?? null, id: outcome.id };
  if (rejected && outcome.status === "ok") return { ...base, status: "skipped" };
  if (outcome.status === "error") {
    const details = outcome.fields && { fields: outcome.fields };
    return { ...base, status: "error", error: { code: outcome.code, message: outcome.message, ...(details && { details }) } };
  }
  // A literal in the spread's order (the answer's field order): one per item, the common case.
  const result: TPushResult = { index: base.index, client_temp_id: base.client_temp_id, id: base.id, status: outcome.status, version: outcome.version };
  if (outcome.conflict) result.conflict = outcome.conflict;
  return result;
}
