// At most LIVE_MAX_CONNECTIONS_PER_DEVICE live-update connections per device and
// LIVE_MAX_CONNECTIONS_PER_USER per user (docs/deployment.md "Limits and abuse protection"): a new
// connection ends the oldest with a `closed` event; the others keep receiving pokes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveConnectionCount } from "@/server/limits/live-connections";
import { makeDevice } from "../support/device";
import { connectLive, type LiveClient } from "../support/live-client";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memo, push } from "../support/sync-client";
import { setTestEnv } from "./env";

const restoreEnv = setTestEnv({ LIVE_MAX_CONNECTIONS_PER_DEVICE: "2", LIVE_MAX_CONNECTIONS_PER_USER: "3" });
let server: TestServer;
const open: LiveClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  open.forEach((c) => c.close());
  await server?.close();
  restoreEnv();
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("live connections per device", () => {
  it("ends the oldest connection when a device opens one more than the limit", async () => {
    const phone = await makeDevice(server.url, `live-limit-${Date.now()}`);
    const token = await freshToken(phone);
    const deviceRef = (await server.db.prisma.device.findFirstOrThrow({ where: { deviceId: phone.deviceId }, select: { id: true } })).id;
    const connections: LiveClient[] = [];
    for (let i = 0; i < 3; i++) {
      const live = await connectLive(server.url, phone, token);
      open.push(live);
      expect(live.status).toBe(200);
      await live.next("ready");
      connections.push(live);
    }
    const [oldest, second, newest] = connections as [LiveClient, LiveClient, LiveClient];
    expect((await oldest.next("closed")).data).toEqual({ reason: "replaced" });
    expect(liveConnectionCount(deviceRef)).toBe(2);

    // Another device of the same user has its own allowance.
    const tablet = await makeDevice(server.url, phone.userId);
    const tabletLive = await connectLive(server.url, tablet, await freshToken(tablet));
    open.push(tabletLive);
    await tabletLive.next("ready");
    expect(second.events.some((e) => e.event === "closed")).toBe(false);

    await push(tablet, 1, [{ type: "memo", id: "n-1", action: "create", data: memo("hello") }]);
    for (const live of [second, newest, tabletLive]) expect((await live.next("poke", 15_000)).data).toEqual({ streams: { [`user:${phone.userId}`]: 1 } });
    expect(oldest.events.filter((e) => e.event === "poke")).toEqual([]);

    second.close();
    newest.close();
    tabletLive.close();
    await waitFor(() => liveConnectionCount(deviceRef) === 0, "the device's connections to be released");
    await waitFor(() => liveConnectionCount(`user:${phone.userId}`) === 0, "the user's connections to be released");
  });

  it("ends a user's oldest connection when their devices together open more than the user limit", async () => {
    const user = `live-user-limit-${Date.now()}`;
    const connections: LiveClient[] = [];
    for (let i = 0; i < 4; i++) {
      // Device ids are the client's choice: each connection a new device.
      const device = await makeDevice(server.url, user);
      const live = await connectLive(server.url, device, await freshToken(device));
      open.push(live);
      await live.next("ready");
      connections.push(live);
    }
    expect((await connections[0]!.next("closed")).data).toEqual({ reason: "replaced" });
    expect(liveConnectionCount(`user:${user}`)).toBe(3);
    const writer = await makeDevice(server.url, user);
    await push(writer, 1, [{ type: "memo", id: "n-1", action: "create", data: memo("hello") }]);
    for (const live of connections.slice(1)) expect((await live.next("poke", 15_000)).data).toEqual({ streams: { [`user:${user}`]: 1 } });
    expect(connections[0]!.events.filter((e) => e.event === "poke")).toEqual([]);
  });
});
