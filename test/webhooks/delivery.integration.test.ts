// Webhook delivery over real HTTP to a real receiver, on both engines (INTEGRATION.md "Webhooks"):
// signed as documented (the docs' own verification code runs here), retried on a short schedule
// until a 2xx or the last attempt, every attempt kept, in seq order per endpoint and stream, and a
// hung or refusing receiver never holds back another stream.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebhook, deleteWebhook } from "@/server/webhooks/endpoints";
import { createWebhookWorker, type WebhookWorker } from "@/server/webhooks/worker";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { memoCreates, push } from "../support/sync-client";
import { startReceiver, waitFor, type Receiver } from "./receiver";

type Verify = (secret: string, rawBody: string, header: string) => boolean;

let server: TestServer;
let device: TestDevice;
let verify: Verify;
let worker: WebhookWorker | undefined;
const receivers: Receiver[] = [];
const admin = { type: "staff" as const, id: "admin-1" };
let bundle = 0;

/** The verification code of docs/backend.md "Webhooks", as a receiver would paste it. */
async function documentedVerify(): Promise<Verify> {
  const docs = readFileSync(path.join(process.cwd(), "docs", "backend.md"), "utf8");
  const code = /<!-- verify-webhook[^>]*-->\n```js\n([\s\S]*?)```/.exec(docs)?.[1];
  if (!code) throw new Error("docs/backend.md has no verify-webhook block");
  const file = path.join(mkdtempSync(path.join(tmpdir(), "verify-")), "verify.mjs");
  writeFileSync(file, code);
  const module = (await import(pathToFileURL(file).href)) as { verifySyncdeskSignature: Verify };
  return module.verifySyncdeskSignature;
}

beforeAll(async () => {
  server = await startTestServer();
  device = await makeDevice(server.url, "ann", { streams: ["org:sign", "org:other", "org:fail", "org:net", "org:order-a", "org:order-b"] });
  verify = await documentedVerify();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const r of receivers.splice(0)) await r.close();
  for (const w of await server.db.prisma.webhookEndpoint.findMany({ select: { id: true } })) await deleteWebhook(server.db.prisma, admin, w.id);
});
afterAll(() => server?.close());

function startWorker(retrySeconds: number[], timeoutMs = 3_000): void {
  worker = createWebhookWorker({ db: server.db.prisma, retrySeconds, timeoutMs, concurrency: 4 });
  worker.start(100);
}
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
const pushTo = (stream: string, prefix: string, count = 1) => push(device, ++bundle, memoCreates(count, prefix, stream));
const attemptsOf = (endpointId: string) => server.db.prisma.webhookAttempt.findMany({
  where: { delivery: { endpointId } }, orderBy: { id: "asc" }, select: { statusCode: true, error: true, responseExcerpt: true, latencyMs: true },
});

describe("webhook delivery", () => {
  it("sends each committed bundle signed as documented, and a receiver failing twice gets it on the third attempt", async () => {
    const hook = await receiver((_, i) => ({ status: i < 2 ? 500 : 204 }));
    // Committed before the endpoint existed (and not yet numbered): not sent to it.
    await pushTo("org:sign", "earlier");
    const { id, secret } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:sign"] });
    await pushTo("org:other", "skip");
    const pushed = await pushTo("org:sign", "signed", 2);
    startWorker([1, 1, 1]);
    await waitFor("the third attempt", () => hook.received.length === 3);
    for (const r of hook.received) {
      expect(verify(secret, r.body, String(r.headers["syncdesk-signature"]))).toBe(true);
      expect(verify(`${secret}x`, r.body, String(r.headers["syncdesk-signature"]))).toBe(false);
      expect(r.headers["syncdesk-event-id"]).toBe(r.event.id);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    // The same event each time: same id and bytes, signed anew.
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    const event = hook.received[0]?.event;
    expect(event).toMatchObject({ event: "bundle.committed", data: { batch_id: pushed.batch_id, stream: "org:sign", from_seq: 2, to_seq: 3, source: { kind: "device", id: device.deviceId } } });
    expect(event?.data.changes.map((c) => [c.seq, c.id, c.op, c.source])).toEqual([[2, "signed-0", "upsert", { kind: "device", id: device.deviceId }], [3, "signed-1", "upsert", { kind: "device", id: device.deviceId }]]);
    // A retry waited about its delay (1 s) after the failure.
    expect((hook.received[1]?.at ?? 0) - (hook.received[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    await waitFor("the success recorded", async () => (await server.db.prisma.webhookDelivery.findFirst({ where: { endpointId: id } }))?.status === "succeeded");
    expect((await attemptsOf(id)).map((a) => a.statusCode)).toEqual([500, 500, 204]);
    expect(await server.db.prisma.webhookDelivery.count({ where: { endpointId: id } })).toBe(1);
  });

  it("marks a delivery failed after the last attempt of the schedule, keeping every attempt", async () => {
    const hook = await receiver(() => ({ status: 503, body: "down for maintenance" }));
    const { id } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:fail"] });
    await pushTo("org:fail", "doomed");
    startWorker([1, 1]);
    await waitFor("the failed state", async () => (await server.db.prisma.webhookDelivery.findFirst({ where: { endpointId: id } }))?.status === "failed");
    const delivery = await server.db.prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: id }, select: { attempts: true, lastStatusCode: true } });
    expect(delivery).toEqual({ attempts: 3, lastStatusCode: 503 });
    expect((await attemptsOf(id)).map((a) => [a.statusCode, a.responseExcerpt])).toEqual(Array(3).fill([503, "down for maintenance"]));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hook.received).toHaveLength(3);
  });

  it("retries a refused connection and a receiver that does not answer in time", async () => {
    const closed = await startReceiver();
    await closed.close();
    const hung = await receiver(() => "hang");
    const refused = await createWebhook(server.db.prisma, admin, { url: closed.url, events: ["bundle.committed"], streams: ["org:net"] });
    const slow = await createWebhook(server.db.prisma, admin, { url: hung.url, events: ["bundle.committed"], streams: ["org:net"] });
    await pushTo("org:net", "unlucky");
    startWorker([1], 400);
    await waitFor("both failed", async () => (await server.db.prisma.webhookDelivery.count({ where: { status: "failed", endpointId: { in: [refused.id, slow.id] } } })) === 2);
    expect((await attemptsOf(refused.id)).map((a) => [a.statusCode, a.error?.startsWith("ECONNREFUSED")])).toEqual([[null, true], [null, true]]);
    const timedOut = await attemptsOf(slow.id);
    expect(timedOut.map((a) => [a.statusCode, a.error])).toEqual([[null, "no answer within 400 ms"], [null, "no answer within 400 ms"]]);
    for (const a of timedOut) expect(a.latencyMs).toBeGreaterThanOrEqual(390);
    expect(hung.received).toHaveLength(2);
  });

  it("delivers in seq order per stream: stream A's failing receiver holds back A's later events only", async () => {
    let failA = true;
    const hook = await receiver((r) => (r.event.data.stream === "org:order-a" && failA ? { status: 500 } : { status: 200 }));
    const hung = await receiver(() => "hang");
    await createWebhook(server.db.prisma, admin, { url: hung.url, events: ["bundle.committed"], streams: ["org:order-a"] });
    await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:order-*"] });
    for (let i = 0; i < 3; i++) {
      await pushTo("org:order-a", `a${i}`);
      await pushTo("org:order-b", `b${i}`);
    }
    startWorker([1, 1, 1, 1, 1], 5_000);
    const of = (stream: string) => hook.received.filter((r) => r.event.data.stream === stream).map((r) => r.event.data.to_seq);
    await waitFor("stream B's three events", () => of("org:order-b").length === 3);
    expect(of("org:order-b")).toEqual([1, 2, 3]);
    // A's first event is being retried; its later ones have not been sent at all.
    await waitFor("a retry of A's first event", () => of("org:order-a").length >= 2);
    expect(new Set(of("org:order-a"))).toEqual(new Set([1]));
    failA = false;
    await waitFor("A's events after recovery", () => of("org:order-a").filter((s) => s > 1).length === 2);
    expect(of("org:order-a").filter((s, i, all) => s !== all[i - 1])).toEqual([1, 2, 3]);
  });
});
