// A team's own types (issue 15's "done when"): `next start` with SYNCDESK_CONFIG naming a JSON
// config that declares only INTEGRATION.md's `visit` syncs visits and knows no `memo`; a config
// with a mistake stops the start with a message naming the file, the type and the field.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";
import { AppInstance, createScratchDatabase, type ScratchDatabase } from "../support/instances";

const PORT = 3251;
const BROKEN_PORT = 3252;
let database: ScratchDatabase | undefined;
let visitServer: AppInstance | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  database = await createScratchDatabase("config");
  visitServer = new AppInstance({ port: PORT, databaseUrl: database.url, env: { SYNCDESK_CONFIG: "./examples/visit.config.json", LOG_LEVEL: "info" } });
  await visitServer.start();
});

test.afterAll(async () => {
  await visitServer?.stop();
  await database?.drop();
});

test("a server started with a visit-only config syncs visits and answers memo with unknown_type", async ({ deviceJwt, request }) => {
  const server = visitServer;
  if (!server) throw new Error("the visit server did not start");
  const jwt = await deviceJwt(`visit-${Date.now()}`);
  const headers = { authorization: `Bearer ${jwt}` };
  const deviceId = "visit-phone";
  const post = async (route: string, data: unknown) => {
    const answer = await request.post(`${server.url}/api/v1/sync/${route}`, { headers, data });
    expect(answer.status(), `${route}: ${await answer.text()}`).toBe(200);
    return answer.json() as Promise<unknown>;
  };
  const first = ZBootstrapResponse.parse(await post("bootstrap", { device_id: deviceId }));
  const pushed = ZPushResponse.parse(await post("push", {
    device_id: deviceId, bundle_id: 1,
    items: [
      { type: "visit", action: "create", data: { site: "Depot 4", score: 3, tags: ["roof"], visits: 1, status: "draft" } },
      { type: "memo", action: "create", data: { content: "x", tags: [], pinned: false } },
    ],
  }));
  expect(pushed.results.map((r) => r.error?.code ?? r.status)).toEqual(["ok", "unknown_type"]);
  const pulled = ZPullResponse.parse(await post("pull", { token: first.token }));
  expect(pulled.changes.map((c) => [c.type, c.data])).toEqual([["visit", { site: "Depot 4", score: 3, tags: ["roof"], visits: 1, status: "draft", note: "" }]]);
  const again = ZBootstrapResponse.parse(await post("bootstrap", { device_id: "visit-tablet" }));
  expect(again.items.map((r) => r.type)).toEqual(["visit"]);
  const watermelon = await request.get(`${server.url}/api/v1/watermelon/sync?last_pulled_at=0`, { headers });
  expect(Object.keys(((await watermelon.json()) as { changes: object }).changes)).toEqual(["visits"]);
  expect(server.logLines().some((l) => String(l.msg).includes("examples/visit.config.json"))).toBe(true);
});

test("a config with a mistake stops the start and says where the mistake is", async () => {
  test.setTimeout(120_000);
  if (!database) throw new Error("no scratch database");
  const dir = path.join(".data", "e2e", "configs");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "broken.config.json");
  writeFileSync(file, JSON.stringify({ types: { visit: { version: 1, policy: "merge", schema: { type: "object", properties: { score: { type: "string" } } }, fields: { score: { merge: "max" } } } } }));
  const broken = new AppInstance({ port: BROKEN_PORT, databaseUrl: database.url, env: { SYNCDESK_CONFIG: file, LOG_LEVEL: "info" } });
  await expect(broken.start()).rejects.toThrow(/exited \(1\)/);
  const fatal = broken.logLines().find((l) => l.level === 60);
  expect(String(fatal?.msg)).toContain(`${file}: type "visit", field "fields.score.merge": "max" needs a field of type number or integer, not string`);
  const refused = await fetch(`http://127.0.0.1:${BROKEN_PORT}/api/health`).then((r) => r.status, () => "no answer");
  expect(refused).toBe("no answer");
});
