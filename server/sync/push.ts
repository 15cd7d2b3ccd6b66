// Push (PROTOCOL.md "Push"), in numbered steps:
//   1. Idempotency: (device, bundle_id) seen with the same body -> the stored response; with
//      another body -> 409 idempotency_conflict.
//   2. One transaction: claim the key by inserting the batch row (a concurrent retry waits on the
//      unique index, then gets the stored response), lock the bundle's streams, apply each item.
//   3. Atomic mode: any item that is not ok rolls everything back; the rejection is stored
//      (in its own transaction) so a retry gets the same answer.
//   4. Store the response on the batch row in the same transaction as the effects, and commit.
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import { recordPush } from "../metrics/registry";
import { announceCommit } from "./announce";
import { applyItem, itemStream, type ItemContext, type ItemOutcome } from "./apply-item";
import { openBundle } from "./bundle";
import { canonicalJson, sha256Hex } from "./canonical";
import { ItemError } from "./item-error";
import type { TPushItem, TPushRequest, TPushResponse, TPushResult } from "./schemas";

class AtomicRejection extends Error {
  constructor(readonly outcomes: ItemOutcome[]) {
    super("atomic push rejected");
  }
}

type Claim = { device: DeviceContext; request: TPushRequest; hash: string; batchId: string; now: Date };

export async function applyPush(db: Db, device: DeviceContext, request: TPushRequest): Promise<TPushResponse> {
  const claim = { device, request, hash: sha256Hex(canonicalJson(request)), batchId: randomUUID(), now: new Date() };
  const stored = await findStoredResponse(db, claim);
  if (stored) return stored;
  try {
    const { response, heads } = await db.$transaction((tx) => applyInTransaction(tx, claim), { maxWait: 30_000, timeout: 120_000 });
    recordPush(response);
    await announceCommit(db, heads);
    return response;
  } catch (error) {
    if (error instanceof AtomicRejection) {
      const rejection = await storeRejection(db, claim, error.outcomes);
      recordPush(rejection);
      return rejection;
    }
    if (isUniqueViolation(error)) {
      const winner = await findStoredResponse(db, claim);
      if (winner) return winner;
    }
    throw error;
  }
}

async function findStoredResponse(db: Db, claim: Claim): Promise<TPushResponse | null> {
  const batch = await db.syncBatch.findUnique({
    where: { deviceRef_bundleId: { deviceRef: claim.device.deviceRef, bundleId: BigInt(claim.request.bundle_id) } },
    select: { requestHash: true, response: true, status: true },
  });
  if (!batch) return null;
  if (batch.requestHash !== claim.hash) {
    throw new AppError("idempotency_conflict", `bundle_id ${claim.request.bundle_id} was already used with a different body`, {
      bundle_id: claim.request.bundle_id,
    });
  }
  return batch.response as TPushResponse;
}

async function applyInTransaction(tx: Tx, claim: Claim): Promise<{ response: TPushResponse; heads: Record<string, number> }> {
  await insertBatch(tx, claim, null);
  const bundle = await openBundle(tx, bundleStreams(claim.device, claim.request.items), claim.batchId);
  await bundle.prefetch(knownKeys(claim.device, claim.request.items));
  const ctx: ItemContext = {
    tx,
    device: claim.device,
    bundle,
    batchId: claim.batchId,
    now: claim.now,
    tempIds: new Map(),
    storeConflicts: claim.request.mode === "partial",
  };
  const outcomes: ItemOutcome[] = [];
  for (const [index, item] of claim.request.items.entries()) {
    outcomes.push(await applyItemSafely(ctx, item, index));
  }
  if (claim.request.mode === "atomic" && outcomes.some((o) => o.status !== "ok")) throw new AtomicRejection(outcomes);
  await bundle.close();
  const response = buildResponse(claim, outcomes, false);
  await tx.syncBatch.update({ where: { id: claim.batchId }, data: batchSummary(response) });
  return { response, heads: bundle.advancedHeads() };
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

/** One item through the engine; an ItemError becomes that item's error outcome (also for replays). */
export async function applyItemSafely(ctx: ItemContext, item: TPushItem, index: number): Promise<ItemOutcome> {
  try {
    return await applyItem(ctx, item, index);
  } catch (error) {
    if (!(error instanceof ItemError)) throw error;
    return { status: "error", id: item.id ?? null, code: error.code, message: error.message };
  }
}

async function storeRejection(db: Db, claim: Claim, outcomes: ItemOutcome[]): Promise<TPushResponse> {
  const response = buildResponse(claim, outcomes, true);
  try {
    await db.$transaction((tx) => insertBatch(tx, claim, response));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return (await findStoredResponse(db, claim)) ?? response;
  }
  return response;
}

async function insertBatch(tx: Tx, claim: Claim, response: TPushResponse | null): Promise<void> {
  const summary = response
    ? batchSummary(response)
    : { response: {}, status: "processing", okCount: 0, errorCount: 0, conflictCount: 0 };
  await tx.syncBatch.create({
    data: {
      id: claim.batchId,
      userId: claim.device.userId,
      deviceRef: claim.device.deviceRef,
      bundleId: BigInt(claim.request.bundle_id),
      requestHash: claim.hash,
      request: claim.request as unknown as Prisma.InputJsonValue,
      mode: claim.request.mode,
      itemCount: claim.request.items.length,
      createdAt: claim.now,
      ...summary,
    },
  });
}

function batchSummary(response: TPushResponse) {
  const count = (status: TPushResult["status"]) => response.results.filter((r) => r.status === status).length;
  return {
    response: response as unknown as Prisma.InputJsonValue,
    status: response.status,
    okCount: count("ok"),
    errorCount: count("error"),
    conflictCount: count("conflict"),
  };
}

function buildResponse(claim: Claim, outcomes: ItemOutcome[], rejected: boolean): TPushResponse {
  const results = outcomes.map((outcome, index) => toPushResult(outcome, claim.request.items[index], index, rejected));
  const ok = results.filter((r) => r.status === "ok").length;
  const status = ok === results.length ? "applied" : ok === 0 ? "rejected" : "partial";
  return {
    batch_id: claim.batchId,
    bundle_id: claim.request.bundle_id,
    status,
    processed_at: claim.now.toISOString(),
    results,
  };
}

/** An item's wire result; in a rejected atomic push an item that would have applied is `skipped`. */
export function toPushResult(outcome: ItemOutcome, item: TPushItem | undefined, index: number, rejected: boolean): TPushResult {
  const base = { index, client_temp_id: item?.client_temp_id ?? null, id: outcome.id };
  if (rejected && outcome.status === "ok") return { ...base, status: "skipped" };
  if (outcome.status === "error") return { ...base, status: "error", error: { code: outcome.code, message: outcome.message } };
  const result: TPushResult = { ...base, status: outcome.status, version: outcome.version };
  if (outcome.conflict) result.conflict = outcome.conflict;
  return result;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
