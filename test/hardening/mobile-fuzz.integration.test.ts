// Fuzzing every mobile route (issue 9 item 1): thousands of generated malformed or hostile requests
// over real HTTP. Each answer is a documented 4xx in the error envelope where the request must be
// refused, never a 5xx, never a leak; the database and the blob root are unchanged after every one.
// FC_SEED=random FUZZ_SCALE=10 explores further; a failure prints its seed to replay.
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOBILE_ROUTES } from "@/server/http/mobile-routes";
import { createServiceKey } from "@/server/keys/service-keys";
import { ZPushResponse } from "@syncdesk/protocol";
import { ZUploadInfo } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { checkAnswer } from "./support/answers";
import { fuzzBudget, fuzzParameters, fuzzSeed } from "./support/fuzz-config";
import { routeCases, type FuzzCase } from "./support/mobile-fuzz";
import { hasHandler, INPUTLESS_ROUTES, isTus, ROUTE_SEEDS, seedFor } from "./support/route-seeds";
import { sendRaw } from "./support/raw-http";
import { diffState, snapshotState, type StateSnapshot } from "./support/state";
import { bodyOf } from "../support/answers";

/** Requests per engine; the integration tier runs this file on PGlite and on PostgreSQL. */
const BUDGET = fuzzBudget(2_000);
const SEED = fuzzSeed();

let server: TestServer;
let device: TestDevice;
let baseline: StateSnapshot;
const fixtures: Record<string, string> = {};
const claimJwts: string[] = [];
let serviceKey = "";
const sent = { total: 0, mustRefuse: 0, byRoute: new Map<string, number>() };
// A route listed before its handler file lands is fuzzed from the first run that has it.
const fuzzed = MOBILE_ROUTES.filter((r) => !INPUTLESS_ROUTES.has(r.id) && hasHandler(r));
const pending = MOBILE_ROUTES.filter((r) => !INPUTLESS_ROUTES.has(r.id) && !hasHandler(r)).map((r) => r.id);
const perRoute = Math.ceil(BUDGET / fuzzed.length);

beforeAll(async () => {
  server = await startTestServer();
  device = await makeDevice(server.url, "fuzz-user");
  // Some state to protect: the device registered, records, a stored conflict, a Watermelon device.
  const push = (bundle: number, items: unknown[]) =>
    device.call("POST", "/api/v1/sync/push", { device_id: device.deviceId, bundle_id: bundle, items });
  expect((await push(1, [{ type: "memo", id: "m1", action: "create", data: { content: "a", tags: [], pinned: false } }, { type: "meter", id: "k1", action: "create", data: { code: "K", reading: 1, unit: "kWh" } }])).status).toBe(200);
  const other = await makeDevice(server.url, "fuzz-user");
  await other.call("POST", "/api/v1/sync/push", { device_id: other.deviceId, bundle_id: 1, items: [{ type: "meter", id: "k1", action: "update", base_version: 1, data: { code: "K", reading: 2, unit: "kWh" } }] });
  const conflicted = await push(2, [{ type: "meter", id: "k1", action: "update", base_version: 1, data: { code: "K", reading: 3, unit: "kWh" } }]);
  expect(bodyOf(conflicted, ZPushResponse).results[0]?.status).toBe("conflict");
  expect((await device.call("POST", "/api/v1/sync/bootstrap", { device_id: device.deviceId })).status).toBe(200);
  expect((await device.call("GET", "/api/v1/watermelon/sync?last_pulled_at=null")).status).toBe(200);
  const upload = await device.call("POST", "/api/v1/uploads", { filename: "fuzz.txt", size: 10 }, { "x-device-id": device.deviceId });
  expect(upload.status, JSON.stringify(upload.body)).toBe(201);
  fixtures.uploadId = String(bodyOf(upload, ZUploadInfo).upload_id);
  // Signed with the real secret, with claims no device may use (issue 19 part 5, issue 16).
  const sign = (claims: object) => new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(TEST_JWT_SECRET));
  claimJwts.push(
    await sign({ sub: "fuzz\u0000user" }), await sign({ sub: "\ud800" }), await sign({ sub: `service:${device.userId}` }),
    await sign({ sub: device.userId, streams: Array.from({ length: 101 }, (_, i) => `org:s${i}`) }), await sign({ sub: device.userId, streams: ["org:a\u0000"] }),
  );
  // Service-key routes are fuzzed past authentication, with a key of every scope on org:fuzz*.
  ({ key: serviceKey } = await createServiceKey(server.db.prisma, { type: "staff", id: "fuzz-admin" }, { name: "fuzz-backend", scopes: ["read", "write"], streams: ["org:fuzz*"] }));
  baseline = await snapshotState(server.db.prisma);
});

afterAll(async () => {
  const routes = [...sent.byRoute].map(([id, n]) => `${id}=${n}`).join(" ");
  console.log(`mobile fuzz (${process.env.TEST_DB_ENGINE}): ${sent.total} requests, ${sent.mustRefuse} must-refuse, seed ${SEED}; ${routes}; ms sending ${Math.round(timing.send)}, checking state ${Math.round(timing.state)}; listed without a handler yet: ${pending.join(", ") || "none"}`);
  await server?.close();
});

const timing = { send: 0, state: 0 };
async function exercise(c: FuzzCase): Promise<void> {
  let t = performance.now();
  const answer = await sendRaw(server.url, c.request, { timeoutMs: 20_000 });
  timing.send += performance.now() - t;
  sent.total += 1;
  if (c.expect === "must-refuse") sent.mustRefuse += 1;
  sent.byRoute.set(c.route, (sent.byRoute.get(c.route) ?? 0) + 1);
  const route = MOBILE_ROUTES.find((r) => r.id === c.route);
  const where = `${c.route} [${c.label}] ${c.request.method} ${c.request.target.slice(0, 200)}`;
  checkAnswer(answer, c.expect, route ? new Set(route.errors) : new Set(), where, route ? route.auth.kind !== "none" : false, route ? isTus(route) : false);
  t = performance.now();
  const diff = diffState(baseline, await snapshotState(server.db.prisma));
  timing.state += performance.now() - t;
  expect(diff.length, `state changed by ${where}: ${diff.join("; ")}`).toBe(0);
}

describe("mobile route fuzzing", () => {
  it("has a fuzz generator for every mobile route", () => {
    for (const route of MOBILE_ROUTES) {
      if (INPUTLESS_ROUTES.has(route.id)) {
        expect(route.body ?? route.query, `${route.id} is listed as inputless`).toBeUndefined();
        continue;
      }
      expect(() => seedFor(route), route.id).not.toThrow();
    }
    // A seed for a route that no longer exists is a leftover.
    for (const id of Object.keys(ROUTE_SEEDS)) expect(MOBILE_ROUTES.map((r) => r.id)).toContain(id);
  });

  for (const route of fuzzed) {
    it(`${route.method.toUpperCase()} ${route.path}: ${perRoute} hostile requests, each refused or harmless, state unchanged`, async () => {
      const jwt = route.auth.kind === "service" ? serviceKey : device.jwt;
      const cases = routeCases(route, { userId: device.userId, deviceId: device.deviceId, jwt, fixtures, claimJwts });
      await fc.assert(fc.asyncProperty(cases, exercise), fuzzParameters(SEED, perRoute));
    }, Math.max(120_000, perRoute * 500)); // FUZZ_SCALE may ask for many more requests
  }

  it(`sent at least ${BUDGET} requests`, () => {
    expect(sent.total).toBeGreaterThanOrEqual(BUDGET);
  });
});
