// Replay (operators, from the console): re-process the items of a sync batch that did not apply,
// e.g. after a type's config was fixed. The push itself is attempt 1; each replay that retries
// something is recorded as attempt n+1. The batch row and its stored response never change, so the
// device's idempotent retry of the push still gets the original answer.
//   1. Lock the batch row: replays of one batch take turns.
//   2. Work out each item's latest result (the push's, then each attempt's) and pick the items to
//      retry (results.ts). Nothing to retry -> record nothing and say so.
//   3. Apply them through the push engine (applyItem in one bundle carrying the batch's id), so the
//      changes reach devices on their next pull and conflicts follow the type's policy.
//   4. Atomic batches apply all or nothing: any item not ok rolls the effects back, and the rejected
//      attempt is recorded in a transaction of its own (as a push stores its rejection).
//   5. Store the attempt and an audit entry (before/after per item) with the effects, and commit.
import { z } from "zod";
import { appendAudit } from "../audit/append";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import type { StaffIdentity } from "../staff/accounts";
import type { ItemContext, ItemOutcome } from "../sync/apply-item";
import { announceCommit } from "../sync/announce";
import { openBundle } from "../sync/bundle";
import { applyItemSafely, bundleStreams, toPushResult } from "../sync/push";
import { ZPushRequest, type TPushRequest, type TPushResult } from "../sync/schemas";
import { latestResults, retriableIndexes, type ItemResult } from "./results";

export type AttemptStatus = "applied" | "partial" | "rejected";
export type ReplayOutcome =
  | { replayed: false; attempt: null; status: null; results: []; message: string }
  | { replayed: true; attempt: number; status: AttemptStatus; results: TPushResult[]; message: string };

type Loaded = { request: TPushRequest; latest: Array<ItemResult | null>; retry: number[]; attempt: number };

class AtomicReplayRejected extends Error {
  constructor(readonly loaded: Loaded, readonly results: TPushResult[]) {
    super("atomic replay rejected");
  }
}

export async function replayBatch(db: Db, actor: StaffIdentity, batchId: string): Promise<ReplayOutcome> {
  if (!z.uuid().safeParse(batchId).success) throw new AppError("not_found", `No sync batch ${batchId}`);
  try {
    const { outcome, heads } = await db.$transaction((tx) => replayInTransaction(tx, actor, batchId), { maxWait: 30_000, timeout: 120_000 });
    // Devices listening for live updates hear about replayed changes like any other commit.
    await announceCommit(db, heads);
    return outcome;
  } catch (error) {
    if (!(error instanceof AtomicReplayRejected)) throw error;
    return db.$transaction(async (tx) => {
      const now = await loadForReplay(tx, batchId);
      // Another replay that committed in between would make this rejection stale: do not record it.
      if (now.loaded.attempt !== error.loaded.attempt) {
        throw new AppError("conflict", "Another replay of this batch ran at the same time; reload and look again");
      }
      return recordAttempt(tx, actor, batchId, error.loaded, error.results);
    });
  }
}

async function replayInTransaction(tx: Tx, actor: StaffIdentity, batchId: string): Promise<{ outcome: ReplayOutcome; heads: Record<string, number> }> {
  const { loaded, device } = await loadForReplay(tx, batchId);
  if (loaded.retry.length === 0) {
    const outcome: ReplayOutcome = { replayed: false, attempt: null, status: null, results: [], message: "Nothing to replay: no item of this batch is waiting on a retry" };
    return { outcome, heads: {} };
  }
  const items = loaded.retry.map((index) => ({ index, item: loaded.request.items[index] }))
    .flatMap(({ index, item }) => (item ? [{ index, item }] : []));
  const bundle = await openBundle(tx, bundleStreams(device, items.map((i) => i.item)), batchId);
  const ctx: ItemContext = {
    tx,
    device,
    bundle,
    batchId,
    now: new Date(),
    tempIds: knownTempIds(loaded),
    storeConflicts: loaded.request.mode === "partial",
  };
  const outcomes: ItemOutcome[] = [];
  for (const { item, index } of items) outcomes.push(await applyItemSafely(ctx, item, index));
  const rejected = loaded.request.mode === "atomic" && outcomes.some((o) => o.status !== "ok");
  const results = outcomes.map((outcome, i) => toPushResult(outcome, items[i]?.item, items[i]?.index ?? -1, rejected));
  if (rejected) throw new AtomicReplayRejected(loaded, results);
  await bundle.close();
  return { outcome: await recordAttempt(tx, actor, batchId, loaded, results), heads: bundle.advancedHeads() };
}

async function loadForReplay(tx: Tx, batchId: string): Promise<{ loaded: Loaded; device: DeviceContext }> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM sync_batches WHERE id = ${batchId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new AppError("not_found", `No sync batch ${batchId}`);
  const batch = await tx.syncBatch.findUniqueOrThrow({
    where: { id: batchId },
    select: {
      userId: true, itemCount: true, request: true, response: true,
      device: { select: { id: true, deviceId: true, streams: true, revokedAt: true } },
      attempts: { orderBy: { attempt: "asc" }, select: { attempt: true, results: true } },
    },
  });
  if (batch.device.revokedAt) throw new AppError("conflict", "The device is revoked; restore it before replaying its batches");
  const request = ZPushRequest.safeParse(batch.request);
  if (!request.success) throw new AppError("internal", "The stored request of this batch cannot be read");
  const latest = latestResults(batch.itemCount, batch.response, batch.attempts);
  const device: DeviceContext = {
    userId: batch.userId,
    streams: batch.device.streams,
    deviceId: batch.device.deviceId,
    deviceRef: batch.device.id,
  };
  const attempt = Math.max(1, ...batch.attempts.map((a) => a.attempt));
  return { loaded: { request: request.data, latest, retry: retriableIndexes(request.data.mode, latest), attempt }, device };
}

/** client_temp_id -> id of creates that already have an id, so later items still find them. */
function knownTempIds(loaded: Loaded): Map<string, string> {
  const map = new Map<string, string>();
  for (const [index, item] of loaded.request.items.entries()) {
    const id = loaded.latest[index]?.id;
    if (item.action === "create" && item.client_temp_id && id) map.set(item.client_temp_id, id);
  }
  return map;
}

function attemptStatus(results: TPushResult[]): AttemptStatus {
  const ok = results.filter((r) => r.status === "ok").length;
  return ok === results.length ? "applied" : ok === 0 ? "rejected" : "partial";
}

const brief = (r: ItemResult | null, index: number) =>
  r ? { index, status: r.status, version: r.version ?? null, error: r.error ?? null } : { index, status: "none" };

async function recordAttempt(
  tx: Tx, actor: StaffIdentity, batchId: string, loaded: Loaded, results: TPushResult[],
): Promise<ReplayOutcome> {
  const attempt = loaded.attempt + 1;
  const status = attemptStatus(results);
  await tx.batchAttempt.create({
    data: { batchId, attempt, actor: actor.id, status, results: results as unknown as Prisma.InputJsonValue },
  });
  await appendAudit(tx, {
    actor: { type: "staff", id: actor.id },
    action: "batch.replay",
    target: { type: "batch", id: batchId },
    details: {
      actor_email: actor.email,
      attempt,
      status,
      mode: loaded.request.mode,
      before: { items: loaded.retry.map((index) => brief(loaded.latest[index] ?? null, index)) },
      after: { items: results.map((r) => brief(r, r.index)) },
    },
  });
  const ok = results.filter((r) => r.status === "ok").length;
  return { replayed: true, attempt, status, results, message: `Attempt ${attempt}: ${ok} of ${results.length} item(s) applied` };
}
