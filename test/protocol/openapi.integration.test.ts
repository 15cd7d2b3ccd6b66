// The OpenAPI document (GET /api/v1/openapi.json) against reality: every mobile route's real
// answers, successes and error envelopes, validate against the document's response schemas
// (JSON Schema 2020-12, ajv), every operation is exercised, and every route file is documented.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceKey } from "@/server/keys/service-keys";
import { checksumOf } from "@/server/sync/canonical";
import { getResourceType } from "@/server/types/registry";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse } from "@syncdesk/protocol";
import { ZPresignResponse, ZUploadInfo } from "@syncdesk/protocol";
import { ZWatermelonPullResponse } from "@/server/watermelon/schemas";
import { makeDevice, type Answer, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { freshBundleId } from "../support/protocol";
import { memo } from "../support/sync-client";
import { bodyOf } from "../support/answers";
import { installConfig } from "../support/types";

type Json = Record<string, any>;
type Seen = { method: string; path: string; status: number; body: unknown; contentType: string };

let server: TestServer;
let doc: Json;
const seen: Seen[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const answer = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(answer.status).toBe(200);
  doc = (await answer.json()) as Json;
});
afterAll(async () => {
  await server?.close();
});

/** A device whose every answer is recorded for validation. */
async function recordingDevice(userId: string, streams?: string[]): Promise<TestDevice> {
  const device = await makeDevice(server.url, userId, { streams });
  const call = device.call.bind(device);
  device.call = async (method: string, target: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> => {
    const answer = await call(method, target, body, headers);
    seen.push({ method, path: target.split("?")[0] ?? target, status: answer.status, body: answer.body, contentType: answer.headers.get("content-type") ?? "" });
    return answer;
  };
  return device;
}

/** The path template of a concrete path (templates like {id} match one segment). */
function templateFor(concrete: string): string | undefined {
  return Object.keys(doc.paths as Json).find((template) => new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`).test(concrete));
}

/** The document's operation for a concrete path. */
function operationFor(method: string, concrete: string): Json | undefined {
  const template = templateFor(concrete);
  return template === undefined ? undefined : doc.paths[template][method.toLowerCase()];
}

/** An ajv holding `document`, so that its `#/components/schemas/...` references resolve. */
function ajvOf(document: Json): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, "openapi.json");
  return ajv;
}

/** The validator of the schema at `segments` inside the document (a JSON pointer, unescaped). */
function validatorAt(ajv: Ajv2020, ...segments: string[]): ValidateFunction {
  const pointer = segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
  return ajv.compile({ $ref: `openapi.json#/${pointer}` });
}

/** The validator of an operation's JSON answer with `status`. */
function responseValidator(ajv: Ajv2020, method: string, concrete: string, status: number): ValidateFunction {
  return validatorAt(ajv, "paths", templateFor(concrete) ?? concrete, method.toLowerCase(), "responses", String(status), "content", "application/json", "schema");
}

async function exerciseEveryRoute() {
  const alice = await recordingDevice(`alice-${freshBundleId()}`, ["org:openapi"]);
  const other = await recordingDevice(alice.userId, ["org:openapi"]);
  const dev = (d: TestDevice) => ({ device_id: d.deviceId });
  const meter = (reading: number) => ({ code: `M-${freshBundleId()}`, reading, unit: "kWh" });

  // Push: ok items, an item error, a stored conflict (for the conflict routes).
  const code = meter(1);
  const created = await alice.call("POST", "/api/v1/sync/push", {
    ...dev(alice), bundle_id: 1, items: [
      { type: "memo", id: "m-1", action: "create", data: memo("one") },
      { type: "memo", id: "m-2", action: "create", data: memo("two"), stream: "org:openapi" },
      { type: "meter", id: "meter-1", action: "create", data: code },
      { type: "nope", id: "x", action: "create", data: {} },
    ],
  });
  expect(created.status).toBe(200);
  await other.call("POST", "/api/v1/sync/push", { ...dev(other), bundle_id: 1, items: [{ type: "meter", id: "meter-1", action: "update", base_version: 1, data: { ...code, reading: 2 } }] });
  const conflicted = await alice.call("POST", "/api/v1/sync/push", { ...dev(alice), bundle_id: 2, items: [{ type: "meter", id: "meter-1", action: "update", base_version: 1, data: { ...code, reading: 3 } }] });
  const conflictId = String(bodyOf(conflicted, ZPushResponse).results[0]?.conflict?.conflict_id);
  await alice.call("POST", "/api/v1/sync/push", { ...dev(alice), bundle_id: 1, items: [{ type: "memo", action: "create", data: memo("other body") }] });

  const first = await alice.call("POST", "/api/v1/sync/bootstrap", { ...dev(alice), limit: 1 });
  const last = await alice.call("POST", "/api/v1/sync/bootstrap", { ...dev(alice), limit: 100, cursor: bodyOf(first, ZBootstrapResponse).cursor ?? undefined });
  const token = String(bodyOf(last, ZBootstrapResponse).token);
  const pulled = await alice.call("POST", "/api/v1/sync/pull", { token });
  await alice.call("GET", `/api/v1/sync/pull?token=${encodeURIComponent(bodyOf(pulled, ZPullResponse).token)}&limit=5`, undefined, { "x-device-id": alice.deviceId });
  await alice.call("POST", "/api/v1/sync/ack", { ...dev(alice), token: bodyOf(pulled, ZPullResponse).token });

  await alice.call("GET", "/api/v1/conflicts?status=all&limit=1", undefined, { "x-device-id": alice.deviceId });
  await alice.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, { resolution: "accept_client" });
  await alice.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, { resolution: "accept_client" });
  await alice.call("POST", "/api/v1/conflicts/00000000-0000-4000-8000-000000000000/resolve", { resolution: "accept_server" });

  await alice.call("POST", "/api/v1/sync/verify", {
    ...dev(alice), limit: 2, items: [{ type: "memo", id: "m-1", checksum: checksumOf(memo("stale")) }, { type: "memo", id: "ghost", checksum: checksumOf({}) }],
  });
  await alice.call("GET", "/api/v1/sync/checksums?limit=2&types=memo,meter");
  await alice.call("POST", "/api/v1/sync/fetch", { items: [{ type: "memo", id: "m-1" }, { type: "memo", id: "gone" }] });
  await alice.call("GET", "/api/v1/sync/digest");
  await alice.call("GET", "/api/health");
  // The team's backend API, with a service key instead of a device token.
  const { key } = await createServiceKey(server.db.prisma, { type: "system", id: "test" }, { name: "openapi", scopes: ["read", "write", "admin"], streams: ["*"] });
  const written = await fetch(`${server.url}/api/v1/server/push`, {
    method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ writer_id: "openapi", bundle_id: 1, items: [{ type: "memo", stream: "org:openapi", action: "create", data: memo("from the backend") }] }),
  });
  seen.push({ method: "POST", path: "/api/v1/server/push", status: written.status, body: await written.json(), contentType: written.headers.get("content-type") ?? "" });
  const records = await fetch(`${server.url}/api/v1/server/records?limit=2`, { headers: { authorization: `Bearer ${key}` } });
  seen.push({ method: "GET", path: "/api/v1/server/records", status: records.status, body: await records.json(), contentType: records.headers.get("content-type") ?? "" });
  const feed = await fetch(`${server.url}/api/v1/server/changes?limit=2`, { headers: { authorization: `Bearer ${key}` } });
  seen.push({ method: "GET", path: "/api/v1/server/changes", status: feed.status, body: await feed.json(), contentType: feed.headers.get("content-type") ?? "" });
  // Webhook endpoints: register (201), list, remove.
  const hooks = `${server.url}/api/v1/server/webhooks`;
  const asKey = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const hook = await fetch(hooks, { method: "POST", headers: asKey, body: JSON.stringify({ url: "https://backend.example.com/hook", events: ["bundle.committed"] }) });
  const registered = (await hook.json()) as { id: string };
  seen.push({ method: "POST", path: "/api/v1/server/webhooks", status: hook.status, body: registered, contentType: hook.headers.get("content-type") ?? "" });
  for (const [method, target] of [["GET", hooks], ["DELETE", `${hooks}/${registered.id}`]] as const) {
    const answer = await fetch(target, { method, headers: asKey });
    seen.push({ method, path: new URL(target).pathname, status: answer.status, body: await answer.json(), contentType: answer.headers.get("content-type") ?? "" });
  }
  const watermelon = await alice.call("GET", "/api/v1/watermelon/sync?last_pulled_at=null&schema_version=1&migration=null");
  const raw = { id: "wm1", content: "melon", pinned: false, tags: "[]", _status: "created", _changed: "" };
  await alice.call("POST", `/api/v1/watermelon/sync?last_pulled_at=${bodyOf(watermelon, ZWatermelonPullResponse).timestamp}`, { memos: { created: [raw], updated: [], deleted: [] } });

  // Uploads (docs/protocol.md "Uploads"): create (201), a raw chunk, the offset, complete; presign
  // and the file store's signed PUT; a blob download's JSON answers (its bytes are not JSON).
  const bytes = "0123456789".repeat(10);
  const upload = await alice.call("POST", "/api/v1/uploads", { filename: "a.txt", size: bytes.length, content_type: "text/plain" });
  await alice.call("PUT", bodyOf(upload, ZUploadInfo).upload_url, bytes, { "content-type": "application/octet-stream", "content-range": `bytes 0-${bytes.length - 1}/${bytes.length}` });
  await alice.call("GET", bodyOf(upload, ZUploadInfo).upload_url);
  await alice.call("POST", `${bodyOf(upload, ZUploadInfo).upload_url}/complete`, { sha256: createHash("sha256").update(bytes).digest("hex") });
  const presigned = await alice.call("POST", "/api/v1/media/presign", { filename: "a.png", content_type: "image/png", size: 3 });
  const media = await fetch(new URL(bodyOf(presigned, ZPresignResponse).upload_url, server.url), { method: "PUT", body: "abc" });
  seen.push({ method: "PUT", path: new URL(bodyOf(presigned, ZPresignResponse).upload_url, server.url).pathname, status: media.status, body: await media.json(), contentType: media.headers.get("content-type") ?? "" });
  await alice.call("GET", `/api/v1/blobs/b_${"A".repeat(22)}`);

  // Error envelopes: 400, 401 (no token, bad sync token), 412 (expired token), 413.
  await alice.call("POST", "/api/v1/sync/push", { ...dev(alice), bundle_id: "x", items: [] });
  await alice.call("GET", "/api/v1/sync/checksums?limit=0");
  await alice.call("POST", "/api/v1/sync/pull", { token: "forged.token" });
  const anonymous = await fetch(`${server.url}/api/v1/sync/digest`);
  seen.push({ method: "GET", path: "/api/v1/sync/digest", status: anonymous.status, body: await anonymous.json(), contentType: anonymous.headers.get("content-type") ?? "" });
  await alice.call("POST", "/api/v1/sync/fetch", JSON.stringify({ items: [{ type: "memo", id: "x".repeat(1024 * 1024) }] }));
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document whose response schemas every real answer satisfies", async () => {
    expect(doc.openapi).toBe("3.1.0");
    await exerciseEveryRoute();
    const ajv = ajvOf(doc);
    const statuses = new Set<number>();
    for (const answer of seen) {
      const op = operationFor(answer.method, answer.path);
      expect(op, `${answer.method} ${answer.path} is documented`).toBeDefined();
      const response = op?.responses[String(answer.status)];
      expect(response, `${answer.method} ${answer.path} documents ${answer.status}: ${JSON.stringify(answer.body)}`).toBeDefined();
      expect(answer.contentType).toMatch(/^application\/json/);
      const validate = responseValidator(ajv, answer.method, answer.path, answer.status);
      const valid = validate(answer.body);
      expect(valid, `${answer.method} ${answer.path} ${answer.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      statuses.add(answer.status);
    }
    expect([...statuses].sort()).toEqual([200, 201, 400, 401, 404, 409, 413]);
    // The schemas are strict enough to catch a wrong answer.
    const push = seen.find((s) => s.path === "/api/v1/sync/push" && s.status === 200)?.body as Json;
    const pushAnswer = responseValidator(ajv, "POST", "/api/v1/sync/push", 200);
    expect(pushAnswer(push)).toBe(true);
    expect(pushAnswer({ ...push, status: "done" })).toBe(false);
    expect(pushAnswer({ ...push, results: [{ index: 0 }] })).toBe(false);
    // Every JSON operation of the document was answered 200 at least once.
    const answered = new Set(seen.filter((s) => s.status === 200).map((s) => `${s.method.toLowerCase()} ${operationFor(s.method, s.path)?.operationId}`));
    for (const ops of Object.values(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(ops)) {
        // Only JSON 200 answers; created (201), bodiless (tus) and binary answers are not JSON 200s.
        if (!op.responses["200"]?.content?.["application/json"]) continue;
        expect(answered, `${method} ${op.operationId} exercised`).toContain(`${method} ${op.operationId}`);
      }
    }
  });

  it("documents every method of every mobile route file", () => {
    const apiDir = path.join(process.cwd(), "app", "api");
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : []);
    const routes = [...files(path.join(apiDir, "v1")), path.join(apiDir, "health", "route.ts")];
    let checked = 0;
    for (const file of routes) {
      const route = `/api${path.dirname(file).slice(apiDir.length).replace(/\[(\w+)\]/g, "{$1}")}`;
      if (route === "/api/v1/openapi.json") continue;
      for (const [, method] of readFileSync(file, "utf8").matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) {
        expect(doc.paths[route]?.[method?.toLowerCase() ?? ""], `${method} ${route}`).toBeDefined();
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it("describes each type's data from the config, and records, changes and push items pick it by type", () => {
    const schemas = doc.components.schemas as Json;
    const { $schema: _dialect, ...meter } = getResourceType("meter")?.jsonSchema ?? {};
    expect(schemas.MeterData).toMatchObject(meter);
    expect(schemas.MeterData.description).toContain("Unique per stream: `code`");
    expect(schemas.BlobData.description).toContain("Built into Syncdesk");
    expect(schemas.PushItem.oneOf).toContainEqual({ title: "meter", properties: { type: { const: "meter" }, data: { $ref: "#/components/schemas/MeterData" } } });
    const ajv = ajvOf(doc);
    const item = { type: "meter", id: "m-1", action: "create", data: { code: "M-1", reading: 1, unit: "kWh" } };
    const pushBody = validatorAt(ajv, "paths", "/api/v1/sync/push", "post", "requestBody", "content", "application/json", "schema");
    expect(pushBody({ device_id: "d", bundle_id: 1, items: [item] })).toBe(true);
    expect(pushBody({ device_id: "d", bundle_id: 1, items: [{ ...item, data: { ...item.data, reading: "high" } }] })).toBe(false);
    // A type the config does not declare is a valid request, answered with an item error.
    expect(pushBody({ device_id: "d", bundle_id: 1, items: [{ ...item, type: "nope" }] })).toBe(true);
    // The backend's server push describes its items' data by type the same way.
    const serverPushBody = validatorAt(ajv, "paths", "/api/v1/server/push", "post", "requestBody", "content", "application/json", "schema");
    const serverItem = { ...item, stream: "org:a" };
    expect(serverPushBody({ writer_id: "w", bundle_id: 1, items: [serverItem] })).toBe(true);
    expect(serverPushBody({ writer_id: "w", bundle_id: 1, items: [{ ...serverItem, data: { ...item.data, reading: "high" } }] })).toBe(false);
    const record = { type: "memo", id: "m-1", stream: "user:a", version: 1, data: memo("x"), deleted: false, updated_at: "2026-01-01T00:00:00Z", checksum: "c" };
    const answer = responseValidator(ajv, "POST", "/api/v1/sync/fetch", 200);
    expect(answer({ records: [record], missing: [] })).toBe(true);
    expect(answer({ records: [{ ...record, data: { ...memo("x"), pinned: "yes" } }], missing: [] })).toBe(false);
  });

  it("follows the config the server runs with: a new type shows its fields, a removed one is gone", async () => {
    const restore = installConfig({
      types: {
        visit: {
          version: 2, policy: "merge",
          schema: { type: "object", additionalProperties: false, required: ["site", "score"], properties: { site: { type: "string" }, score: { type: "number" }, reviewer: { type: "string" } } },
          fields: { score: { merge: "max" }, reviewer: { server_only: true } },
        },
      },
    });
    try {
      const answer = await fetch(`${server.url}/api/v1/openapi.json`);
      const current = (await answer.json()) as Json;
      const schemas = current.components.schemas as Json;
      expect(Object.keys(schemas).filter((name) => name.endsWith("Data")).sort()).toEqual(["BlobData", "VisitData"]);
      expect(schemas.VisitData).toMatchObject({ required: ["site", "score"], properties: { site: { type: "string" }, score: { type: "number" }, reviewer: { type: "string", readOnly: true } } });
      expect(schemas.VisitData.description).toContain("Version 2, conflict policy `merge`");
      expect(JSON.stringify(current)).not.toContain("MemoData");
      const ajv = ajvOf(current);
      const pushBody = validatorAt(ajv, "paths", "/api/v1/sync/push", "post", "requestBody", "content", "application/json", "schema");
      const visit = { type: "visit", action: "create", data: { site: "north", score: 3 } };
      expect(pushBody({ device_id: "d", bundle_id: 1, items: [visit] })).toBe(true);
      expect(pushBody({ device_id: "d", bundle_id: 1, items: [{ ...visit, data: { site: "north" } }] })).toBe(false);
    } finally {
      restore();
    }
  });
});
