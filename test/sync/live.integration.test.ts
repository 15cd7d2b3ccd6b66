// Live updates over real HTTP (PROTOCOL.md "Live"): a connected device is poked within a second
// of a commit on one of its streams, and only on its streams; the connection is checked like a
// pull, sends heartbeats, keeps bounded memory for a slow reader, and cleans up on disconnect.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevice } from "@/server/devices/register";
import { openLiveStream } from "@/server/live/events";
import { publishLocally, receiveAnnouncement, subscriberCount } from "@/server/live/hub";
import { openPullToken } from "@/server/sync/tokens";
import { makeDevice, type TestDevice } from "../support/device";
import { connectLive, type LiveClient } from "../support/live-client";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memo, pullAll, push } from "../support/sync-client";

let server: TestServer;
let users = 0;

beforeAll(async () => {
  process.env.LIVE_HEARTBEAT_SECONDS = "1";
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function newDevice(name: string, streams?: string[]): Promise<TestDevice> {
  users += 1;
  return makeDevice(server.url, `${name}-${users}`, { streams });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const open: LiveClient[] = [];
async function connect(device: TestDevice, token: string, headers?: Record<string, string>) {
  const client = await connectLive(server.url, device, token, headers);
  open.push(client);
  return client;
}
afterAll(() => open.forEach((c) => c.close()));

describe("GET /api/v1/sync/events", () => {
  it("pokes a connected device after a push by another device, with the new head", async () => {
    const alice = await newDevice("alice");
    const token = await freshToken(alice);
    const live = await connect(alice, token);
    expect(live.status).toBe(200);
    const ready = await live.next("ready");
    const own = `user:${alice.userId}`;
    expect(ready.data).toEqual({ streams: { [own]: 0 } });

    // Latency is the two-instance e2e's acceptance (e2e/api/live-instances.spec.ts) and a measure,
    // not an assertion here, where a loaded test machine would make it flaky: this proves delivery.
    const phone = await makeDevice(server.url, alice.userId);
    await push(phone, 1, [{ type: "memo", id: "n-1", action: "create", data: memo("hi") }, { type: "memo", id: "n-2", action: "create", data: memo("there") }]);
    const poke = await live.next("poke", 15_000);
    expect(poke.data).toEqual({ streams: { [own]: 2 } });
    const pulled = await pullAll(alice, token);
    expect(pulled.pages.flatMap((p) => p.changes.map((c) => c.seq))).toEqual([1, 2]);
  });

  it("pokes only for the device's own streams, shared ones included", async () => {
    const alice = await newDevice("alice", ["org:live"]);
    const bob = await newDevice("bob", ["org:live"]);
    const carol = await newDevice("carol");
    const [aliceLive, carolLive] = [await connect(alice, await freshToken(alice)), await connect(carol, await freshToken(carol))];
    await aliceLive.next("ready");
    await carolLive.next("ready");
    await push(bob, 1, [{ type: "memo", id: "b", action: "create", data: memo("bob's own") }]);
    await push(bob, 2, [{ type: "memo", id: "o", action: "create", data: memo("shared"), stream: "org:live" }]);
    await push(carol, 1, [{ type: "memo", id: "c", action: "create", data: memo("carol's") }]);
    const alicePoke = await aliceLive.next("poke");
    expect(Object.keys(alicePoke.data?.streams ?? {})).toEqual(["org:live"]);
    const carolPoke = await carolLive.next("poke");
    expect(carolPoke.data).toEqual({ streams: { [`user:${carol.userId}`]: 1 } });
    expect(aliceLive.events.filter((e) => e.event === "poke")).toHaveLength(1);
    expect(carolLive.events.filter((e) => e.event === "poke")).toHaveLength(1);
  });

  it("pokes at once on connect when the token is behind, and after a conflict resolution", async () => {
    const alice = await newDevice("alice");
    const own = `user:${alice.userId}`;
    const token = await freshToken(alice);
    const meter = { code: `M-${users}`, reading: 1, unit: "kWh" };
    await push(alice, 1, [{ type: "meter", id: "m", action: "create", data: meter }]);
    const live = await connect(alice, token);
    expect((await live.next("ready")).data).toEqual({ streams: { [own]: 1 } });
    expect((await live.next("poke")).data).toEqual({ streams: { [own]: 1 } });

    const phone = await makeDevice(server.url, alice.userId);
    await push(phone, 1, [{ type: "meter", id: "m", action: "update", base_version: 1, data: { ...meter, reading: 2 } }]);
    expect((await live.next("poke")).data).toEqual({ streams: { [own]: 2 } });
    const conflicted = await push(alice, 2, [{ type: "meter", id: "m", action: "update", base_version: 1, data: { ...meter, reading: 3 } }]);
    const conflictId = conflicted.results[0]?.conflict?.conflict_id;
    expect((await alice.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, { resolution: "accept_client" })).status).toBe(200);
    expect((await live.next("poke")).data).toEqual({ streams: { [own]: 3 } });
  });

  it("delivers another instance's announcement (PostgreSQL NOTIFY; in-process on the embedded database)", async () => {
    const alice = await newDevice("alice");
    const own = `user:${alice.userId}`;
    const live = await connect(alice, await freshToken(alice));
    await live.next("ready");
    const payload = JSON.stringify({ i: "another-instance", h: { [own]: 41, "user:someone-else": 7 } });
    if (server.db.url) {
      const other = new pg.Client({ connectionString: server.db.url });
      await other.connect();
      await other.query("SELECT pg_notify('syncdesk_changes', $1)", [payload]);
      await other.end();
    } else {
      receiveAnnouncement(payload);
    }
    expect((await live.next("poke")).data).toEqual({ streams: { [own]: 41 } });
  });

  it("sends heartbeats and stops everything when the client disconnects", async () => {
    const before = subscriberCount();
    const alice = await newDevice("alice");
    const live = await connect(alice, await freshToken(alice));
    await live.next("ready");
    await waitFor(() => subscriberCount() === before + 1, "the subscription");
    await live.next("heartbeat");
    await live.next("heartbeat");
    live.close();
    await waitFor(() => subscriberCount() === before, "the subscription to end");
  });

  it("keeps a slow reader's memory bounded: a full queue, then only the newest heads", async () => {
    const alice = await newDevice("alice");
    const own = `user:${alice.userId}`;
    const token = await freshToken(alice);
    const position = openPullToken("test-token-secret-0123456789-abcdefghijklmnop", token);
    const device = await ensureDevice(server.db.prisma, { userId: alice.userId, streams: [own] }, alice.deviceId);
    const before = subscriberCount();
    const abort = new AbortController();
    const response = await openLiveStream(server.db.prisma, device, position, { heartbeatSeconds: 60, signal: abort.signal });
    expect(subscriberCount()).toBe(before + 1);
    // Nobody reads while 500 commits are announced, one per turn of the event loop.
    for (let head = 1; head <= 500; head++) {
      publishLocally({ [own]: head });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(`"${own}":500}`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    abort.abort();
    const pokes = [...text.matchAll(/event: poke\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1] ?? "{}").streams[own] as number);
    // At most the queue's 16 frames (two are the preamble), then one poke with the newest head.
    expect(pokes.length).toBeLessThanOrEqual(15);
    expect(pokes.at(-1)).toBe(500);
    expect(pokes).toEqual([...new Set(pokes)].sort((a, b) => a - b));
    expect(subscriberCount()).toBe(before);
  });

  it("is checked like a pull: no JWT, a foreign token, another device's, a revoked device", async () => {
    const alice = await newDevice("alice");
    const token = await freshToken(alice);
    const anonymous = await fetch(`${server.url}/api/v1/sync/events?token=${encodeURIComponent(token)}`);
    expect(anonymous.status).toBe(401);
    const bob = await newDevice("bob");
    const stolen = await connect(bob, token);
    expect(stolen.status).toBe(401);
    expect(stolen.body).toMatchObject({ error: { code: "invalid_token" } });
    const claimed = await connect(alice, token, { "x-device-id": "another-device" });
    expect(claimed.status).toBe(401);
    const tampered = await connect(alice, `${token}x`);
    expect(tampered.status).toBe(401);
    await server.db.prisma.device.updateMany({ where: { userId: alice.userId, deviceId: alice.deviceId }, data: { revokedAt: new Date() } });
    const revoked = await connect(alice, token);
    expect(revoked.status).toBe(403);
    expect(revoked.body).toMatchObject({ error: { code: "device_revoked" } });
  });
});
