// Replay (operators, from the console): re-process the items of a sync batch that did not apply,
// e.g. after a type's config was fixed. The push itself is attempt 1; each replay that retries
// something is recorded as attempt n+1. The batch row and its stored response never change, so the
// device's idempotent retry of the push still gets the original answer. In one bundle transaction:
//   1. Lock the batch row: replays of one batch take turns.
//   2. Work out each item's latest result (the push's, then each attempt's) and pick the items to
//      retry (results.ts). Nothing to retry -> record nothing and say so.
//   3. Apply them through the push's item loop (apply-items.ts) in a bundle carrying the batch's
//      id, so the changes reach devices on their next pull and conflicts follow the type's policy.
//      Atomic batches apply all or nothing: a rejected attempt keeps no effect but is recorded.
//   4. Store the attempt and an audit entry (before/after per item) with the effects, and commit.
import { z } from "zod";
import { appendAuditIn } from "../audit/append";
import type { Db } from "../db/client";
import type { Sql } from "../db/sql";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import type { StaffIdentity } from "../staff/accounts";
import { applyItems } from "../sync/apply-items";
import { commitBundle } from "../sync/commit-bundle";
import { ZPushRequest, type TPushRequest, type TPushResult } from "@syncdesk/protocol";
import { latestResults, retriableIndexes, type ItemResult } from "./results";

export type AttemptStatus = "applied" | "partial" | "rejected";
export type ReplayOutcome =
  | { replayed: false; attempt: null; status: null; results: []; message: string }
  | { replayed: true; attempt: number; status: AttemptStatus; results: TPushResult[]; message: string };

type Loaded = { request: TPushRequest; latest: Array<ItemResult | null>; retry: number[]; attempt: number };

export async function replayBatch(db: Db, actor: StaffIdentity, batchId: string): Promise<ReplayOutcome> {
  if (!z.uuid().safeParse(batchId).success) throw new AppError("not_found", `No sync batch ${batchId}`);
  return commitBundle(db, "replay", async (tx) => {
    // 1. and 2.
    const { loaded, device } = await loadForReplay(tx.sql, batchId);
    if (loaded.retry.length === 0) {
      return { replayed: false, attempt: null, status: null, results: [], message: "Nothing to replay: no item of this batch is waiting on a retry" };
    }
    // 3.
    const entries = loaded.retry.flatMap((index) => {
      const item = loaded.request.items[index];
      return item ? [{ item, index }] : [];
    });
    const { results } = await applyItems(tx, {
      device, batchId, mode: loaded.request.mode, now: new Date(), entries, tempIds: knownTempIds(loaded), writer: "replay",
    });
    // 4.
    return recordAttempt(tx.sql, actor, batchId, loaded, results);
  });
}

type BatchRow = {
  user_id: string; item_count: number; request: unknown; response: unknown;
  device_ref: string; device_id: string; streams: string[]; revoked: boolean;
};

async function loadForReplay(sql: Sql, batchId: string): Promise<{ loaded: Loaded; device: DeviceContext }> {
  const [batch] = await sql<BatchRow>(
    `SELECT b.user_id, b.item_count, b.request, b.response, d.id AS device_ref, d.device_id, COALESCE(d.streams, ARRAY[]::text[]) AS streams, d.revoked_at IS NOT NULL AS revoked
     FROM sync_batches b JOIN devices d ON d.id = b.device_ref
     WHERE b.id = $1::uuid
     FOR UPDATE OF b`, [batchId]);
  if (!batch) throw new AppError("not_found", `No sync batch ${batchId}`);
  if (batch.revoked) throw new AppError("conflict", "The device is revoked; restore it before replaying its batches");
  const attempts = await sql<{ attempt: number; results: unknown }>(
    "SELECT attempt, results FROM batch_attempts WHERE batch_id = $1::uuid ORDER BY attempt", [batchId]);
  const request = ZPushRequest.safeParse(batch.request);
  if (!request.success) throw new AppError("internal", "The stored request of this batch cannot be read");
  const latest = latestResults(batch.item_count, batch.response, attempts);
  const device: DeviceContext = { userId: batch.user_id, streams: batch.streams, deviceId: batch.device_id, deviceRef: batch.device_ref };
  const attempt = Math.max(1, ...attempts.map((a) => a.attempt));
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

async function recordAttempt(sql: Sql, actor: StaffIdentity, batchId: string, loaded: Loaded, results: TPushResult[]): Promise<ReplayOutcome> {
  const attempt = loaded.attempt + 1;
  const status = attemptStatus(results);
  await sql(
    "INSERT INTO batch_attempts (id, batch_id, attempt, actor, status, results) VALUES (gen_random_uuid(), $1::uuid, $2::int, $3, $4, $5::jsonb)",
    [batchId, attempt, actor.id, status, JSON.stringify(results)]);
  await appendAuditIn(sql, {
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
