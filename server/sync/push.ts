// Push (PROTOCOL.md "Push"), in numbered steps, all in one bundle transaction (commit-bundle.ts):
//   1. Claim the idempotency key (device, bundle_id) by inserting the batch row. When the key is
//      taken (a concurrent retry waits on the unique index for the first to end), the stored
//      response answers a same-body retry and another body gets 409 idempotency_conflict; the
//      transaction wrote nothing.
//   2. Apply the items (apply-items.ts: the loop replay shares). Atomic mode: any item not ok
//      takes back every item's effect, and the rejection is stored like any other answer.
//   3. Store the response on the batch row with the effects, and commit.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import type { Sql } from "../db/sql";
import type { DeviceContext } from "../devices/register";
import { AppError } from "../errors";
import { recordPush } from "../metrics/registry";
import { applyItems } from "./apply-items";
import { canonicalPushRequest, sha256Hex, type DataTexts } from "./canonical";
import type { BatchAnswer } from "./bundle";
import { commitBundle } from "./commit-bundle";
import { auditRecovered } from "./recovered";
import type { TPushRequest, TPushResponse, TPushResult } from "@syncdesk/protocol";

/** `text` is the request's canonical JSON: hashed for the key's body check, and stored as is. */
type Claim = { device: DeviceContext; request: TPushRequest; text: string; hash: string; batchId: string; now: Date };

type Answer = { response: TPushResponse; stored: boolean };

/** `writer`: a device's push, or the team's backend writing through the server API (server-push.ts). */
export async function applyPush(db: Db, device: DeviceContext, request: TPushRequest, writer: "device" | "server" = "device"): Promise<TPushResponse> {
  const texts: DataTexts = new Map();
  const text = canonicalPushRequest(request, texts);
  const claim = { device, request, text, hash: sha256Hex(text), batchId: randomUUID(), now: new Date() };
  const answer = await commitBundle(db, writer === "server" ? "server_push" : "push", async (tx): Promise<Answer> => {
    // 1.
    if (!(await insertBatch(tx.sql, claim))) return { response: await findStoredResponse(tx.sql, claim), stored: true };
    // 2.
    const entries = request.items.map((item, index) => ({ item, index }));
    const { results } = await applyItems(tx, { device, batchId: claim.batchId, mode: request.mode, now: claim.now, entries, writer, texts });
    // 3.
    const response = buildResponse(claim, results);
    tx.answer(claim.batchId, batchAnswerOf(response)); // written with the flush, just before commit
    if (request.recovered) await auditRecovered(tx.sql, device, claim.batchId, request, response.results);
    return { response, stored: false };
  });
  if (!answer.stored) recordPush(answer.response);
  return answer.response;
}

/** The response stored under the claim's key; 409 when it was stored for a different body. */
async function findStoredResponse(sql: Sql, claim: Claim): Promise<TPushResponse> {
  const [batch] = await sql<{ request_hash: string; response: TPushResponse }>(
    "SELECT request_hash, response FROM sync_batches WHERE device_ref = $1::uuid AND bundle_id = $2::bigint",
    [claim.device.deviceRef, String(claim.request.bundle_id)], { prepare: true });
  if (!batch) throw new Error("sync batch key taken but no batch found");
  if (batch.request_hash !== claim.hash) {
    throw new AppError("idempotency_conflict", `bundle_id ${claim.request.bundle_id} was already used with a different body`, {
      bundle_id: claim.request.bundle_id,
    });
  }
  return batch.response;
}

/**
 * Claims the key by inserting the batch row; false when the key was already taken. Its JSON goes
 * as text: Prisma's argument serialiser walked a Json value node by node, ~3 ms CPU for a 100-item
 * request and its response.
 */
async function insertBatch(sql: Sql, claim: Claim): Promise<boolean> {
  const inserted = await sql(
    `INSERT INTO sync_batches (id, user_id, device_ref, bundle_id, request_hash, request, response, mode, status,
       item_count, ok_count, error_count, conflict_count, created_at, recovered)
     VALUES ($1::uuid, $2, $3::uuid, $4::bigint, $5, $6::jsonb, '{}'::jsonb, $7, 'processing', $8::int, 0, 0, 0, $9::timestamptz, $10)
     ON CONFLICT (device_ref, bundle_id) DO NOTHING
     RETURNING id`,
    [claim.batchId, claim.device.userId, claim.device.deviceRef, String(claim.request.bundle_id), claim.hash,
      claim.text, claim.request.mode, claim.request.items.length, claim.now.toISOString(), claim.request.recovered === true],
    { prepare: true },
  );
  return inserted.length === 1;
}

function batchAnswerOf(response: TPushResponse): BatchAnswer {
  const count = (status: TPushResult["status"]) => response.results.filter((r) => r.status === status).length;
  return { response: JSON.stringify(response), status: response.status, ok: count("ok"), errors: count("error"), conflicts: count("conflict") };
}

function buildResponse(claim: Claim, results: TPushResult[]): TPushResponse {
  const ok = results.filter((r) => r.status === "ok").length;
  const status = ok === results.length ? "applied" : ok === 0 ? "rejected" : "partial";
  return { batch_id: claim.batchId, bundle_id: claim.request.bundle_id, status, processed_at: claim.now.toISOString(), results };
}
