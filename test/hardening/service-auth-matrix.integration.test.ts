// Authorization matrix of the service-key routes (/api/v1/server/*, issue 16): every such route x
// {no key, a malformed header, a device JWT, an unknown key, a revoked key} is 401 `unauthorized`;
// a key without the route's scope or streams is 403 `forbidden`; malformed queries and bodies are
// 400 `invalid_request` in the envelope. Nothing changes on any refusal, and the route's
// well-formed request with a good key is accepted, so each refusal is the credential's doing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOBILE_ROUTES, type MobileRoute } from "@/server/http/mobile-routes";
import { createServiceKey, revokeServiceKey } from "@/server/keys/service-keys";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { expectEnvelope, LEAK } from "./support/answers";
import { hasHandler } from "./support/route-seeds";
import { sendRaw, type RawAnswer, type RawRequest } from "./support/raw-http";
import { diffState, snapshotState } from "./support/state";

let server: TestServer;
const keys: Record<"full" | "readOnly" | "writeOnly" | "revoked" | "otherStreams", string> = { full: "", readOnly: "", writeOnly: "", revoked: "", otherStreams: "" };
/** Webhooks registered in beforeAll, one per DELETE the matrix sends with a good key. */
const webhookIds: string[] = [];
let deviceJwt = "";
const admin = { type: "staff" as const, id: "matrix-admin" };
const routes = MOBILE_ROUTES.filter((r) => r.auth.kind === "service" && hasHandler(r));
const json = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
const memo = { type: "memo", stream: "org:svc", action: "create", data: { content: "m", tags: [], pinned: false } };
let bundle = 1;

/** Each service route's well-formed request, without its Authorization header. */
const REQUESTS: Record<string, () => RawRequest> = {
  serverRecords: () => ({ method: "GET", target: "/api/v1/server/records?stream=org:svc&limit=10", headers: {} }),
  serverPush: () => ({
    method: "POST", target: "/api/v1/server/push", headers: { "content-type": "application/json" },
    body: json({ writer_id: "matrix", bundle_id: bundle++, items: [{ ...memo, id: `m-${bundle}` }] }),
  }),
  serverChanges: () => ({ method: "GET", target: "/api/v1/server/changes?streams=org:svc*&limit=10", headers: {} }),
  createWebhook: () => ({
    method: "POST", target: "/api/v1/server/webhooks", headers: { "content-type": "application/json" },
    body: json({ url: "http://127.0.0.1:9/hook", events: ["bundle.committed"], streams: ["org:svc*"] }),
  }),
  listWebhooks: () => ({ method: "GET", target: "/api/v1/server/webhooks", headers: {} }),
  deleteWebhook: () => ({ method: "DELETE", target: `/api/v1/server/webhooks/${webhookIds.at(-1) ?? ""}`, headers: {} }),
};

/** Routes that name streams, so a key of other streams is refused; the others are the key's own. */
const NAMES_STREAMS = new Set(["serverRecords", "serverPush", "serverChanges", "createWebhook"]);

/** Malformed requests each route must answer 400 `invalid_request`, with the field it names. */
const MALFORMED: Record<string, [label: string, change: (r: RawRequest) => RawRequest][]> = {
  serverRecords: [
    ["limit 0", (r) => ({ ...r, target: "/api/v1/server/records?limit=0" })],
    ["a stream that is not a stream name", (r) => ({ ...r, target: "/api/v1/server/records?stream=NOT%20A%20STREAM" })],
    ["an unknown parameter", (r) => ({ ...r, target: "/api/v1/server/records?bogus=1" })],
    ["a NUL in the cursor", (r) => ({ ...r, target: "/api/v1/server/records?cursor=a%00b" })],
    ["a forged cursor", (r) => ({ ...r, target: "/api/v1/server/records?cursor=eyJub3QiOiJhIGN1cnNvciJ9" })],
  ],
  serverPush: [
    ["an empty body", (r) => ({ ...r, body: json("") })],
    ["truncated JSON", (r) => ({ ...r, body: json('{"writer_id":') })],
    ["an array", (r) => ({ ...r, body: json([]) })],
    ["no items", (r) => ({ ...r, body: json({ writer_id: "matrix", bundle_id: 1, items: [] }) })],
    ["a negative bundle_id", (r) => ({ ...r, body: json({ writer_id: "matrix", bundle_id: -1, items: [memo] }) })],
    ["a bundle_id JSON rounds", (r) => ({ ...r, body: json(`{"writer_id":"matrix","bundle_id":9007199254740993,"items":[${JSON.stringify(memo)}]}`) })],
    ["an item without a stream", (r) => ({ ...r, body: json({ writer_id: "matrix", bundle_id: 1, items: [{ ...memo, stream: undefined }] }) })],
    ["an unknown field", (r) => ({ ...r, body: json({ writer_id: "matrix", bundle_id: 1, items: [memo], extra: true }) })],
    ["a __proto__ key", (r) => ({ ...r, body: json(`{"__proto__":{"x":1},"writer_id":"matrix","bundle_id":1,"items":[${JSON.stringify(memo)}]}`) })],
    ["a NUL in writer_id", (r) => ({ ...r, body: json({ writer_id: "a\u0000b", bundle_id: 1, items: [memo] }) })],
    ["text/plain", (r) => ({ ...r, headers: { ...r.headers, "content-type": "text/plain" } })],
  ],
  serverChanges: [
    ["limit 0", (r) => ({ ...r, target: "/api/v1/server/changes?limit=0" })],
    ["a stream pattern that is not one", (r) => ({ ...r, target: "/api/v1/server/changes?streams=NOT%20A%20STREAM" })],
    ["an unknown parameter", (r) => ({ ...r, target: "/api/v1/server/changes?bogus=1" })],
    // A forged feed cursor is a bad token, 401 invalid_token like a pull token: test/feed/changes.
  ],
  createWebhook: [
    ["an empty body", (r) => ({ ...r, body: json("") })],
    ["a URL that is not http", (r) => ({ ...r, body: json({ url: "ftp://example.test/x", events: ["bundle.committed"] }) })],
    ["a URL with a password", (r) => ({ ...r, body: json({ url: "http://a:b@127.0.0.1/x", events: ["bundle.committed"] }) })],
    ["an unknown event", (r) => ({ ...r, body: json({ url: "http://127.0.0.1/x", events: ["record.read"] }) })],
    ["no events", (r) => ({ ...r, body: json({ url: "http://127.0.0.1/x", events: [] }) })],
    ["an unknown field", (r) => ({ ...r, body: json({ url: "http://127.0.0.1/x", events: ["bundle.committed"], extra: 1 }) })],
  ],
  // listWebhooks and deleteWebhook read no query or body; an id that is no webhook's, UUID or
  // not, is 404 not_found (test/webhooks/webhook-routes).
};

beforeAll(async () => {
  server = await startTestServer();
  const create = async (name: string, scopes: ("read" | "write" | "admin")[], streams = ["org:svc*"]) =>
    (await createServiceKey(server.db.prisma, admin, { name, scopes, streams })).key;
  keys.full = await create("matrix-full", ["read", "write", "admin"]);
  keys.readOnly = await create("matrix-read", ["read"]);
  keys.writeOnly = await create("matrix-write", ["write"]);
  keys.otherStreams = await create("matrix-other", ["read", "write", "admin"], ["org:other*"]);
  keys.revoked = await create("matrix-revoked", ["read", "write", "admin"]);
  await revokeServiceKey(server.db.prisma, admin, "matrix-revoked");
  deviceJwt = (await makeDevice(server.url, "matrix-device", { streams: ["org:svc"] })).jwt;
  const created = await send(REQUESTS.createWebhook?.() ?? { method: "GET", target: "/", headers: {} }, `Bearer ${keys.full}`);
  if (created.status !== 201) throw new Error(`could not register the matrix's webhook: ${created.text}`);
  webhookIds.push((JSON.parse(created.text) as { id: string }).id);
});
afterAll(async () => {
  await server?.close();
});

const send = (request: RawRequest, authorization: string | null) =>
  sendRaw(server.url, { ...request, headers: { ...request.headers, ...(authorization === null ? {} : { authorization }) } }, { timeoutMs: 5_000 });

function expectRefused(route: MobileRoute, kind: string, answer: RawAnswer, status: number, code: string): void {
  const where = `${route.method.toUpperCase()} ${route.path} with ${kind}`;
  expect(answer.status, `${where}: ${answer.text}`).toBe(status);
  expect(expectEnvelope(answer, where).code, where).toBe(code);
  expect(answer.text, `${where} leaks`).not.toMatch(LEAK);
  expect(route.errors, `${where}: ${code} is not documented for the route`).toContain(code);
}

describe("service-key authorization matrix", () => {
  it("has a well-formed and malformed requests for every service-key route", () => {
    expect(routes.map((r) => r.id).sort()).toEqual(Object.keys(REQUESTS).sort());
    for (const route of routes.filter((r) => r.query !== undefined || r.body !== undefined)) {
      expect(MALFORMED[route.id]?.length, route.id).toBeGreaterThan(0);
    }
  });

  it("answers 401 unauthorized without a usable key (none, malformed, a device JWT, unknown, revoked), one body per kind, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    const bodies = new Set<string>();
    for (const route of routes) {
      for (const [kind, header] of [
        ["no Authorization", null], ["Basic", "Basic YWxpY2U6cHc="], ["Bearer and nothing", "Bearer"], ["the key without Bearer", keys.full],
        ["a device JWT", `Bearer ${deviceJwt}`], ["an unknown key", `Bearer sdk_${"x".repeat(43)}`], ["a revoked key", `Bearer ${keys.revoked}`],
      ] as const) {
        const answer = await send(REQUESTS[route.id]?.() ?? { method: "GET", target: route.path, headers: {} }, header);
        expectRefused(route, kind, answer, 401, "unauthorized");
        if (kind === "a device JWT" || kind === "an unknown key" || kind === "a revoked key") bodies.add(answer.text);
      }
    }
    // A revoked key learns nothing a made-up one would not.
    expect([...bodies]).toHaveLength(1);
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });

  it("answers 403 forbidden to a key without the route's scope or streams, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    for (const route of routes) {
      const scope = route.auth.kind === "service" ? route.auth.scope : "read";
      const lacking = scope === "read" ? keys.writeOnly : keys.readOnly;
      expectRefused(route, `a key without ${scope}`, await send(REQUESTS[route.id]?.() ?? { method: "GET", target: route.path, headers: {} }, `Bearer ${lacking}`), 403, "forbidden");
      if (!NAMES_STREAMS.has(route.id)) continue;
      expectRefused(route, "a key of other streams", await send(REQUESTS[route.id]?.() ?? { method: "GET", target: route.path, headers: {} }, `Bearer ${keys.otherStreams}`), 403, "forbidden");
    }
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });

  it("answers malformed queries and bodies 400 invalid_request in the envelope, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    for (const route of routes) {
      for (const [label, change] of MALFORMED[route.id] ?? []) {
        const answer = await send(change(REQUESTS[route.id]?.() ?? { method: "GET", target: route.path, headers: {} }), `Bearer ${keys.full}`);
        expectRefused(route, label, answer, 400, "invalid_request");
      }
    }
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });

  it("accepts each route's well-formed request with a key of the right scope and streams", async () => {
    for (const route of routes) {
      const answer = await send(REQUESTS[route.id]?.() ?? { method: "GET", target: route.path, headers: {} }, `Bearer ${keys.full}`);
      expect(answer.status, `${route.id}: ${answer.text.slice(0, 300)}`).toBe(route.status ?? 200);
    }
  });
});
