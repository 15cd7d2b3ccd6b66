// Live connections served beside Next (server/live/beside-next.ts, what `next start` does for
// GET /api/v1/sync/events): the same route handler as Next's route, so the same checks, events and
// clean-up, with the headers next.config.mjs gives every route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscriberCount } from "@/server/live/hub";
import { serveLive } from "@/server/live/beside-next";
import { makeDevice, type TestDevice } from "../support/device";
import { connectLive } from "../support/live-client";
import { startBesideServer, type BesideServer } from "../support/beside-server";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memo, push } from "../support/sync-client";

let server: TestServer;
let beside: BesideServer | undefined;
let besideUrl = "";
let users = 0;

beforeAll(async () => {
  process.env.LIVE_HEARTBEAT_SECONDS = "1";
  server = await startTestServer();
  // What next start's server does with a live request; anything else would be Next's.
  beside = await startBesideServer((req, res) => serveLive(req, res, true));
  besideUrl = beside.url;
});
afterAll(async () => {
  await beside?.close();
  await server?.close();
});

async function newDevice(name: string): Promise<TestDevice> {
  users += 1;
  return makeDevice(server.url, `${name}-${users}`);
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("GET /api/v1/sync/events beside Next", () => {
  it("pokes after each push, beats, and unsubscribes when the client goes", async () => {
    const before = subscriberCount();
    const alice = await newDevice("alice");
    const live = await connectLive(besideUrl, alice, await freshToken(alice));
    expect(live.status).toBe(200);
    const own = `user:${alice.userId}`;
    expect((await live.next("ready")).data).toEqual({ streams: { [own]: 0 } });
    await waitFor(() => subscriberCount() === before + 1, "the subscription");
    const phone = await makeDevice(server.url, alice.userId);
    await push(phone, 1, [{ type: "memo", id: "b-1", action: "create", data: memo("hi") }]);
    expect((await live.next("poke")).data).toEqual({ streams: { [own]: 1 } });
    await push(phone, 2, [{ type: "memo", id: "b-2", action: "create", data: memo("again") }]);
    expect((await live.next("poke")).data).toEqual({ streams: { [own]: 2 } });
    await live.next("heartbeat");
    live.close();
    await waitFor(() => subscriberCount() === before, "the subscription to end");
  });

  it("answers refusals in the error envelope, with the security headers of every route", async () => {
    const alice = await newDevice("alice");
    const token = await freshToken(alice);
    const anonymous = await fetch(`${besideUrl}/api/v1/sync/events?token=${encodeURIComponent(token)}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(anonymous.headers.get("x-content-type-options")).toBe("nosniff");
    expect(anonymous.headers.get("x-frame-options")).toBe("DENY");
    expect(anonymous.headers.get("strict-transport-security")).toContain("max-age=");
    expect(anonymous.headers.get("x-request-id")).toBeTruthy();
    const bob = await newDevice("bob");
    const stolen = await connectLive(besideUrl, bob, token);
    expect(stolen.status).toBe(401);
    expect(stolen.body).toMatchObject({ error: { code: "invalid_token" } });
  });
});
