// What the console does to endpoints and deliveries, on both engines: a rotated secret signs the
// next attempt and the old one no longer does; a disabled endpoint is sent nothing and gets no
// events queued until enabled again; Redeliver sends a failed delivery again with its attempts
// kept; the delivery list pages and filters; each change is audited.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listDeliveries, listWebhooksForConsole, redeliverDelivery } from "@/server/webhooks/console";
import { createWebhook, deleteWebhook, rotateWebhookSecret, setWebhookDisabled } from "@/server/webhooks/endpoints";
import { verifySignature } from "@/server/webhooks/signature";
import { createWebhookWorker, type WebhookWorker } from "@/server/webhooks/worker";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { memoCreates, push } from "../support/sync-client";
import { startReceiver, waitFor, type Receiver } from "./receiver";

let server: TestServer;
let device: TestDevice;
let worker: WebhookWorker;
const receivers: Receiver[] = [];
const admin = { type: "staff" as const, id: "admin-1" };
let bundle = 0;

beforeAll(async () => {
  server = await startTestServer();
  device = await makeDevice(server.url, "ann", { streams: ["org:rot", "org:off", "org:again", "org:page"] });
  worker = createWebhookWorker({ db: server.db.prisma, retrySeconds: [1], timeoutMs: 3_000, concurrency: 4 });
  worker.start(100);
});
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  for (const w of await server.db.prisma.webhookEndpoint.findMany({ select: { id: true } })) await deleteWebhook(server.db.prisma, admin, w.id);
});
afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
const pushTo = (stream: string, prefix: string) => push(device, ++bundle, memoCreates(1, prefix, stream));
const now = () => Math.floor(Date.now() / 1000);
const actions = async (id: string) => (await server.db.prisma.auditEntry.findMany({ where: { targetId: id }, orderBy: { id: "asc" }, select: { action: true } })).map((a) => a.action);

describe("webhook administration", () => {
  it("signs with the rotated secret from the next attempt on", async () => {
    const hook = await receiver();
    const { id, secret } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:rot"] });
    await pushTo("org:rot", "before");
    await waitFor("the first event", () => hook.received.length === 1);
    const { secret: rotated } = await rotateWebhookSecret(server.db.prisma, admin, id);
    expect(rotated).not.toBe(secret);
    await pushTo("org:rot", "after");
    await waitFor("the second event", () => hook.received.length === 2);
    const [first, second] = hook.received.map((r) => [r.body, String(r.headers["syncdesk-signature"])] as const);
    expect(verifySignature(secret, first?.[0] ?? "", first?.[1] ?? "", now())).toBe(true);
    expect(verifySignature(rotated, second?.[0] ?? "", second?.[1] ?? "", now())).toBe(true);
    expect(verifySignature(secret, second?.[0] ?? "", second?.[1] ?? "", now())).toBe(false);
    expect(await actions(id)).toEqual(["webhook.create", "webhook.rotate_secret"]);
  });

  it("sends a disabled endpoint nothing and queues nothing for it until it is enabled", async () => {
    const hook = await receiver();
    const { id } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:off"] });
    await setWebhookDisabled(server.db.prisma, admin, id, true);
    await pushTo("org:off", "while-off");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(hook.received).toHaveLength(0);
    expect(await server.db.prisma.webhookDelivery.count({ where: { endpointId: id } })).toBe(0);
    expect((await listWebhooksForConsole(server.db.prisma)).find((w) => w.id === id)?.disabledAt).not.toBeNull();
    await setWebhookDisabled(server.db.prisma, admin, id, false);
    await pushTo("org:off", "back-on");
    await waitFor("the event after enabling", () => hook.received.length === 1);
    expect(hook.received[0]?.event.data.changes.map((c) => c.id)).toEqual(["back-on-0"]);
    expect(await actions(id)).toEqual(["webhook.create", "webhook.disable", "webhook.enable"]);
  });

  it("redelivers a failed delivery from its first attempt on, keeping every attempt", async () => {
    let up = false;
    const hook = await receiver(() => ({ status: up ? 200 : 502 }));
    const { id } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:again"] });
    await pushTo("org:again", "late");
    const failed = async () => (await listDeliveries(server.db.prisma, { endpointId: id, status: "failed", limit: 10 })).rows;
    await waitFor("the failed delivery", async () => (await failed()).length === 1);
    const [delivery] = await failed();
    expect(delivery?.attemptLog.map((a) => a.statusCode)).toEqual([502, 502]);
    up = true;
    await redeliverDelivery(server.db.prisma, admin, delivery?.id ?? "");
    await waitFor("the redelivery", async () => (await listDeliveries(server.db.prisma, { endpointId: id, status: "succeeded", limit: 10 })).rows.length === 1);
    const [done] = (await listDeliveries(server.db.prisma, { endpointId: id, limit: 10 })).rows;
    expect(done?.attemptLog.map((a) => a.statusCode)).toEqual([200, 502, 502]);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(await actions(id)).toEqual(["webhook.create", "webhook.redeliver"]);
    await expect(redeliverDelivery(server.db.prisma, admin, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
  });

  it("pages deliveries newest first and filters them by endpoint and status", async () => {
    const hook = await receiver();
    const { id } = await createWebhook(server.db.prisma, admin, { url: hook.url, events: ["bundle.committed"], streams: ["org:page"] });
    for (let i = 0; i < 5; i++) await pushTo("org:page", `p${i}`);
    await waitFor("five deliveries", async () => (await listDeliveries(server.db.prisma, { endpointId: id, status: "succeeded", limit: 10 })).rows.length === 5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDeliveries(server.db.prisma, { endpointId: id, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.rows.map((r) => r.eventId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect((await listDeliveries(server.db.prisma, { endpointId: id, status: "failed", limit: 10 })).rows).toEqual([]);
    await expect(listDeliveries(server.db.prisma, { cursor: "bogus", limit: 10 })).rejects.toMatchObject({ code: "invalid_request" });
  });
});
