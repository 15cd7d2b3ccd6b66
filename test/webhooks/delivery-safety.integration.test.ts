// What makes webhook delivery safe with several instances and crashes, on both engines: two
// workers on one database send each event once; a delivery claimed by an instance that died
// mid-request is sent by another after the lease; an event written with its bundle survives a
// restart before any worker ran and is delivered after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { claimDeliveries } from "@/server/webhooks/deliveries";
import { createWebhook, deleteWebhook } from "@/server/webhooks/endpoints";
import { fanOutEvents } from "@/server/webhooks/fanout";
import { sequenceFeed } from "@/server/feed/sequence";
import { createWebhookWorker, type WebhookWorker } from "@/server/webhooks/worker";
import { startRestartableServer, type RestartableServer } from "../convergence/restartable-server";
import { makeDevice, type TestDevice } from "../support/device";
import { memoCreates, push } from "../support/sync-client";
import { startReceiver, waitFor, type Receiver } from "./receiver";

const STREAMS = ["org:s0", "org:s1", "org:s2", "org:s3", "org:lease", "org:crash"];
let server: RestartableServer;
let device: TestDevice;
const workers: WebhookWorker[] = [];
const receivers: Receiver[] = [];
const admin = { type: "staff" as const, id: "admin-1" };
let bundle = 0;

beforeAll(async () => {
  server = await startRestartableServer();
  device = await makeDevice(server.url, "ann", { streams: STREAMS });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  for (const r of receivers.splice(0)) await r.close();
  for (const w of await server.db.prisma.webhookEndpoint.findMany({ select: { id: true } })) await deleteWebhook(server.db.prisma, admin, w.id);
});
afterAll(() => server?.close());

function startWorker(): WebhookWorker {
  const worker = createWebhookWorker({ db: server.db.prisma, retrySeconds: [1, 1], timeoutMs: 3_000, concurrency: 4 });
  workers.push(worker);
  worker.start(50);
  return worker;
}
async function receiver(delayMs = 0): Promise<Receiver> {
  const r = await startReceiver(() => ({ status: 200, delayMs }));
  receivers.push(r);
  return r;
}
const pushTo = (stream: string, prefix: string) => push(device, ++bundle, memoCreates(1, prefix, stream));

describe("webhook delivery across instances and crashes", () => {
  it("sends every event once with two workers claiming side by side, in order per stream", async () => {
    const hook = await receiver(30);
    await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:s*"] });
    for (let i = 0; i < 5; i++) for (const s of STREAMS.slice(0, 4)) await pushTo(s, `e${i}`);
    startWorker();
    startWorker();
    await waitFor("all 20 events", () => hook.received.length >= 20);
    await new Promise((r) => setTimeout(r, 500));
    const ids = hook.received.map((r) => r.event.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    for (const s of STREAMS.slice(0, 4)) {
      expect(hook.received.filter((r) => r.event.data.stream === s).map((r) => r.event.data.to_seq)).toEqual([1, 2, 3, 4, 5]);
    }
    expect(await server.db.prisma.webhookAttempt.count()).toBe(20);
  });

  it("sends a delivery again after the lease when the instance that claimed it died mid-request", async () => {
    const hook = await receiver();
    const { id } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:lease"] });
    await pushTo("org:lease", "leased");
    await sequenceFeed(server.db.prisma);
    await fanOutEvents(server.db.prisma);
    // An instance claims it and dies before sending or recording anything.
    const claimedAt = Date.now();
    expect(await claimDeliveries(server.db.prisma, 10, 2)).toHaveLength(1);
    startWorker();
    await waitFor("the delivery after the lease", () => hook.received.length === 1);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(1_500);
    await waitFor("its success", async () => (await server.db.prisma.webhookDelivery.findFirst({ where: { endpointId: id } }))?.status === "succeeded");
  });

  it("delivers an event written with its bundle after a crash and restart that came before any delivery", async () => {
    const hook = await receiver();
    const { id } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:crash"] });
    const pushed = await pushTo("org:crash", "survivor");
    expect(await server.db.prisma.feedEvent.count({ where: { batchId: pushed.batch_id } })).toBe(1);
    await server.restart();
    startWorker();
    await waitFor("the delivery after the restart", () => hook.received.length === 1);
    expect(hook.received[0]?.event.data).toMatchObject({ batch_id: pushed.batch_id, stream: "org:crash", changes: [{ id: "survivor-0" }] });
    await waitFor("its success", async () => (await server.db.prisma.webhookDelivery.findFirst({ where: { endpointId: id } }))?.status === "succeeded");
  });
});
