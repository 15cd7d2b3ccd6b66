// Pushing the outbox, bundle by bundle (PROTOCOL.md "Push"):
//   1. Take the bundle in flight if a previous run left one; otherwise build the next one from the
//      pending edits and persist it (bundle_id and exact body) before anything is sent.
//   2. Send it, retrying with backoff with the same bundle_id and body, so the server applies it
//      once however many answers are lost.
//   3. Settle the answer in one storage write (settle.ts), then go on with the next bundle.
import type { SyncContext } from "./context";
import { readMeta } from "./context";
import { SyncError } from "./http";
import { uuid } from "./ids";
import { buildBundle, requeue } from "./outbox";
import { withRetry } from "./retry";
import { settleBundle } from "./settle";
import { keyString, type Inflight, type LocalRecord, type PushAnswer } from "./types";
import { ZPushResponse, type TPushResponse } from "./wire";

const PUSH = "/api/v1/sync/push";

/** Pushes until the outbox has nothing ready; returns how many edits the server answered. */
export async function pushAll(ctx: SyncContext): Promise<number> {
  let answered = 0;
  const alone = new Set<number>(); // edits of a bundle refused whole: sent one by one to find the bad one
  for (;;) {
    const inflight = await ctx.exclusive(() => takeInflight(ctx, alone));
    if (!inflight) return answered;
    const sent = await send(ctx, inflight, alone);
    if (!sent) continue;
    await ctx.exclusive(() => settle(ctx, sent.inflight, sent.response));
    answered += inflight.seqs.length;
  }
}

async function takeInflight(ctx: SyncContext, alone: Set<number>): Promise<Inflight | null> {
  const meta = await readMeta(ctx.storage);
  if (meta.inflight) return meta.inflight;
  const outbox = await ctx.storage.listOutbox();
  const first = outbox.find((e) => e.bundle_id === null && e.base_version !== null);
  const maxItems = first && alone.has(first.seq) ? 1 : ctx.maxBundleItems;
  const bundle = buildBundle(outbox, { deviceId: meta.device_id, bundleId: meta.next_bundle_id, maxItems });
  if (!bundle) return null;
  const inflight: Inflight = { bundle_id: meta.next_bundle_id, body: bundle.body, seqs: bundle.seqs };
  const marked = outbox.filter((e) => bundle.seqs.includes(e.seq)).map((e) => ({ ...e, bundle_id: inflight.bundle_id }));
  await ctx.storage.write({ outboxPut: marked, meta: { inflight, next_bundle_id: meta.next_bundle_id + 1 } });
  return inflight;
}

type Sent = { inflight: Inflight; response: TPushResponse };

async function send(ctx: SyncContext, first: Inflight, alone: Set<number>): Promise<Sent | null> {
  let inflight = first;
  for (let renumbered = 0; ; renumbered++) {
    try {
      const response = await withRetry(() => ctx.transport.send("POST", PUSH, inflight.body, ZPushResponse), ctx.retry, ctx.sleep);
      return { inflight, response };
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      // The key was used before with another body (a device id reused with fresh storage):
      // the same edits under the next bundle_id.
      if (error.code === "idempotency_conflict" && renumbered < 100) {
        inflight = await ctx.exclusive(() => renumber(ctx, inflight));
        continue;
      }
      if (error.status === 400 || error.status === 413) {
        await ctx.exclusive(() => refuse(ctx, inflight, alone, error));
        return null;
      }
      throw error;
    }
  }
}

async function renumber(ctx: SyncContext, inflight: Inflight): Promise<Inflight> {
  const meta = await readMeta(ctx.storage);
  const bundleId = Math.max(meta.next_bundle_id, inflight.bundle_id + 1);
  const body = JSON.stringify({ ...(JSON.parse(inflight.body) as object), bundle_id: bundleId });
  const next = { ...inflight, bundle_id: bundleId, body };
  const outbox = await ctx.storage.listOutbox();
  const marked = outbox.filter((e) => next.seqs.includes(e.seq)).map((e) => ({ ...e, bundle_id: bundleId }));
  await ctx.storage.write({ outboxPut: marked, meta: { inflight: next, next_bundle_id: bundleId + 1 } });
  return next;
}

/** A bundle the server refused whole (nothing stored): split it, or reject its single edit. */
async function refuse(ctx: SyncContext, inflight: Inflight, alone: Set<number>, error: SyncError): Promise<void> {
  if (inflight.seqs.length > 1) {
    const change = requeue(await ctx.storage.listOutbox(), inflight.seqs);
    for (const seq of inflight.seqs) alone.add(seq);
    await ctx.storage.write({ outboxPut: change.put, outboxRemove: change.remove, meta: { inflight: null } });
    return;
  }
  const response: PushAnswer = {
    batch_id: "", bundle_id: inflight.bundle_id, status: "rejected", processed_at: new Date().toISOString(),
    results: [{ index: 0, client_temp_id: null, id: null, status: "error", error: { code: error.code, message: error.message } }],
  };
  await settle(ctx, inflight, response);
}

async function settle(ctx: SyncContext, inflight: Inflight, response: PushAnswer): Promise<void> {
  const meta = await readMeta(ctx.storage);
  if (meta.inflight?.bundle_id !== inflight.bundle_id) return; // settled already
  const outbox = await ctx.storage.listOutbox();
  const records = new Map<string, LocalRecord>();
  for (const [index, seq] of inflight.seqs.entries()) {
    const entry = outbox.find((e) => e.seq === seq);
    if (!entry) continue;
    const key = { ...entry.key, id: response.results[index]?.id ?? entry.key.id };
    const record = await ctx.storage.getRecord(key);
    if (record) records.set(keyString(key), record);
  }
  const settled = settleBundle({
    outbox, inflight, response, records, now: new Date().toISOString(), newId: () => `local-${uuid()}`,
  });
  await ctx.storage.write({
    ...settled.write,
    meta: { inflight: null, temp_ids: { ...meta.temp_ids, ...settled.tempIds } },
  });
  for (const event of settled.events) {
    if (event.kind === "mapped") ctx.emitter.emit("mapped", { temp_id: event.temp_id, key: event.key });
    else if (event.kind === "applied") {
      const { kind: _, ...applied } = event;
      ctx.emitter.emit("applied", applied);
    }
    else ctx.emitter.emit("conflict", event.conflict);
  }
}
