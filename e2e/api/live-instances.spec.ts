// Live updates across app instances (issue acceptance): two real `next start` processes on one
// fresh PostgreSQL database. A device connected to instance B is poked within 1 s of a push
// committed on instance A (PostgreSQL LISTEN/NOTIFY). Uses the build the suite's server made.
import { randomUUID } from "node:crypto";
import { ZBootstrapResponse, ZPullResponse } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";
import { createScratchDatabase, defineInstances, startInstances, stopInstances, type AppInstance, type ScratchDatabase } from "../support/instances";

const FIRST_PORT = Number(process.env.E2E_LIVE_PORT ?? 3102);
const PORTS = [FIRST_PORT, FIRST_PORT + 1] as const;
let database: ScratchDatabase | undefined;
let instances: AppInstance[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createScratchDatabase("live");
  instances = defineInstances(PORTS, database.url, { JOBS_ENABLED: "false" });
  await startInstances(instances);
});

test.afterAll(async () => {
  await stopInstances(instances);
  await database?.drop();
});

test("a poke reaches a device on instance B within 1 s of a push committed on instance A", async ({ deviceJwt }) => {
  const [a, b] = instances.map((instance) => instance.url) as [string, string];
  const userId = `e2e-live-${randomUUID()}`;
  const jwt = await deviceJwt(userId);
  const headers = { authorization: `Bearer ${jwt}`, "content-type": "application/json" };
  const reader = randomUUID();
  const writer = randomUUID();

  const boot = await fetch(`${b}/api/v1/sync/bootstrap`, { method: "POST", headers, body: JSON.stringify({ device_id: reader }) });
  expect(boot.status).toBe(200);
  const { token } = ZBootstrapResponse.parse(await boot.json());
  if (token === null) throw new Error("a one-page bootstrap ends with a token");

  const abort = new AbortController();
  const live = await fetch(`${b}/api/v1/sync/events?token=${encodeURIComponent(token)}`, { headers, signal: abort.signal });
  expect(live.status).toBe(200);
  expect(live.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events = (live.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const readUntil = async (marker: string) => {
    while (!text.includes(marker)) {
      const { value, done } = await events.read();
      if (done) throw new Error(`the event stream ended before ${marker}: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
  };
  await readUntil("event: ready");

  // Warm instance A up (its first request loads the route and opens its pool), so the bound below
  // measures delivery, not a cold start. Another user: no poke for this device.
  const warmJwt = await deviceJwt(`${userId}-warm`);
  const warm = await fetch(`${a}/api/v1/sync/push`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${warmJwt}` },
    body: JSON.stringify({ device_id: writer, bundle_id: 1, items: [{ type: "memo", id: "w", action: "create", data: { content: "warm", tags: [], pinned: false } }] }),
  });
  expect(warm.status).toBe(200);

  // The push's round trip contains its commit, so push start -> poke bounds commit -> poke.
  const pushedAt = Date.now();
  const pushed = await fetch(`${a}/api/v1/sync/push`, {
    method: "POST",
    headers,
    body: JSON.stringify({ device_id: writer, bundle_id: 1, items: [{ type: "memo", id: "m-1", action: "create", data: { content: "from A", tags: [], pinned: false } }] }),
  });
  expect(pushed.status).toBe(200);
  await readUntil("event: poke");
  const pokedAt = Date.now();
  abort.abort();

  expect(pokedAt - pushedAt).toBeLessThan(1_000);
  expect(text).toContain(`event: poke\ndata: {"streams":{"user:${userId}":1}}`);
  expect(text).not.toContain("-warm");
  const pulled = await fetch(`${b}/api/v1/sync/pull`, { method: "POST", headers, body: JSON.stringify({ token }) });
  const { changes } = ZPullResponse.parse(await pulled.json());
  expect(changes.map((c) => c.id)).toEqual(["m-1"]);
});
