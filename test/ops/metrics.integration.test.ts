// GET /api/metrics (Prometheus text, bearer METRICS_TOKEN): refused without the token, and the
// counters move under a small load of real mobile requests; every answer carries a request id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordJobRun } from "@/server/metrics/registry";
import { ZResolveResponse } from "@syncdesk/protocol";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, memo, okBody, pullAll, push } from "../support/sync-client";

const METRICS_TOKEN = "test-metrics-token-0123456789";
let server: TestServer;

beforeAll(async () => {
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function scrape(): Promise<string> {
  const answer = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
  return answer.text();
}

/** The value of one sample, 0 when absent. Labels must be given in full, in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(",");
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? "").split(/,(?=[a-z_]+=")/).filter(Boolean).sort().join(",");
    if (have === wanted) return Number(match[3]);
  }
  return 0;
}

describe("GET /api/metrics", () => {
  it("refuses a scrape without the bearer token, or with another", async () => {
    const anonymous = await fetch(`${server.url}/api/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    const wrong = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("syncdesk_");
  });

  it("counts requests, pushes, items, conflicts, pulls, bootstrap pages and job runs under load", async () => {
    const before = await scrape();
    const alice = await makeDevice(server.url, "metrics-alice");
    const other = await makeDevice(server.url, "metrics-alice");
    await push(alice, 1, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "b", action: "create", data: memo("b") },
      { type: "meter", id: "m", action: "create", data: { code: "M-1", reading: 1, unit: "kWh" } },
      { type: "nope", id: "x", action: "create", data: {} },
    ]);
    await push(other, 1, [{ type: "meter", id: "m", action: "update", base_version: 1, data: { code: "M-1", reading: 2, unit: "kWh" } }]);
    const conflicted = await push(alice, 2, [{ type: "meter", id: "m", action: "update", base_version: 1, data: { code: "M-1", reading: 3, unit: "kWh" } }]);
    const conflictId = conflicted.results[0]?.conflict?.conflict_id ?? "";
    okBody(await alice.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, { resolution: "accept_server" }), ZResolveResponse, "resolve");
    const { token } = await bootstrapAll(other, { limit: 2 });
    await push(alice, 3, [{ type: "memo", id: "c", action: "create", data: memo("c") }]);
    const pulled = await pullAll(other, token);
    expect(await alice.call("POST", "/api/v1/sync/push", { device_id: alice.deviceId })).toMatchObject({ status: 400 });
    recordJobRun("compaction", "ok", 0.25);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("syncdesk_http_requests_total", { route: "/api/v1/sync/push", method: "POST", status: "200" })).toBe(4);
    expect(delta("syncdesk_http_requests_total", { route: "/api/v1/sync/push", method: "POST", status: "400" })).toBe(1);
    expect(delta("syncdesk_http_requests_total", { route: "/api/v1/conflicts/{id}/resolve", method: "POST", status: "200" })).toBe(1);
    expect(delta("syncdesk_http_request_duration_seconds_count", { route: "/api/v1/sync/push", method: "POST", status: "200" })).toBe(4);
    expect(delta("syncdesk_http_response_bytes_total", { route: "/api/v1/sync/pull" })).toBeGreaterThan(0);
    expect(delta("syncdesk_pushes_total", { status: "applied" })).toBe(2);
    expect(delta("syncdesk_pushes_total", { status: "partial" })).toBe(1);
    expect(delta("syncdesk_pushes_total", { status: "rejected" })).toBe(1);
    expect(delta("syncdesk_push_items_total", { outcome: "ok" })).toBe(5);
    expect(delta("syncdesk_push_items_total", { outcome: "error" })).toBe(1);
    expect(delta("syncdesk_push_items_total", { outcome: "conflict" })).toBe(1);
    expect(delta("syncdesk_conflicts_opened_total")).toBe(1);
    expect(delta("syncdesk_conflicts_resolved_total", { resolution: "accept_server" })).toBe(1);
    const changes = pulled.pages.reduce((n, p) => n + p.changes.length, 0);
    expect(changes).toBeGreaterThan(0);
    expect(delta("syncdesk_pulls_total")).toBe(pulled.pages.length);
    expect(delta("syncdesk_pulled_changes_total")).toBe(changes);
    expect(delta("syncdesk_pulled_bytes_total")).toBeGreaterThan(0);
    expect(delta("syncdesk_bootstrap_pages_total")).toBe(2);
    expect(delta("syncdesk_bootstrap_records_total")).toBe(3);
    expect(delta("syncdesk_job_runs_total", { job: "compaction", outcome: "ok" })).toBe(1);
    const poolMax = sample(after, "syncdesk_db_pool_connections", { state: "max" });
    expect(poolMax).toBe(server.db.kind === "postgres" ? 10 : 0);
    expect(after).toContain("process_cpu_user_seconds_total");
  });

  it("echoes a sane X-Request-Id and generates one otherwise", async () => {
    const device = await makeDevice(server.url, "metrics-bob");
    const given = await device.call("GET", "/api/v1/sync/digest", undefined, { "x-request-id": "trace-42.a" });
    expect(given.headers.get("x-request-id")).toBe("trace-42.a");
    const generated = await device.call("GET", "/api/v1/sync/digest");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const insane = await device.call("GET", "/api/v1/sync/digest", undefined, { "x-request-id": "a b".repeat(60) });
    expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await fetch(`${server.url}/api/v1/sync/digest`, { headers: { "x-request-id": "anon-1" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-request-id")).toBe("anon-1");
  });
});
