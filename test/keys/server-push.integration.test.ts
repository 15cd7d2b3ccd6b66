// POST /api/v1/server/push over real HTTP on both engines (INTEGRATION.md section 2): the team's
// backend writes through the device engine (policies, guards, idempotency), devices pull the
// result, and a key's scope and streams bound what it may write, with nothing stored on refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceKey } from "@/server/keys/service-keys";
import { loadRecordHistory } from "@/server/records/history";
import { ZPushResponse } from "@syncdesk/protocol";
import { bodyOf, errorOf } from "../support/answers";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, pullAll, push } from "../support/sync-client";
import { installConfig } from "../support/types";
import demo from "@/syncdesk.config";

let server: TestServer;
let writeKey: string;
let restoreTypes: () => void;
const admin = { type: "staff" as const, id: "admin-1" };

// The demo's submission, with the approval flow guarded and `reviewer` set by the server only.
const submission = {
  ...demo.types.submission,
  schema: { ...demo.types.submission.schema, properties: { ...demo.types.submission.schema.properties, reviewer: { type: "string" } } },
  fields: { status: { transitions: { draft: ["submitted"], submitted: ["approved", "rejected"] } }, reviewer: { server_only: true } },
};

beforeAll(async () => {
  restoreTypes = installConfig({ types: { ...demo.types, submission } });
  server = await startTestServer();
  ({ key: writeKey } = await createServiceKey(server.db.prisma, admin, { name: "back-office", scopes: ["read", "write"], streams: ["org:*"] }));
});
afterAll(async () => {
  await server?.close();
  restoreTypes();
});

const serverPush = (body: unknown, key = writeKey) =>
  fetch(`${server.url}/api/v1/server/push`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) })
    .then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));
const form = (status: string, extra: Record<string, unknown> = {}) => ({ form_id: "audit", form_version: 1, data: {}, status, ...extra });

describe("server push", () => {
  it("approves a device's submission; the device pulls it; a retry answers the stored response", async () => {
    const device = await makeDevice(server.url, "ann", { streams: ["org:acme"] });
    const created = await push(device, 1, [{ type: "submission", stream: "org:acme", action: "create", data: form("draft") }]);
    const id = created.results[0]?.id ?? "";
    await push(device, 2, [{ type: "submission", stream: "org:acme", id, action: "update", base_version: 1, data: form("submitted") }]);
    const { token } = await bootstrapAll(device);
    const approval = { writer_id: "approver", bundle_id: 1, items: [{ type: "submission", stream: "org:acme", id, action: "update", base_version: 2, data: form("approved", { reviewer: "bot" }) }] };
    const first = await serverPush(approval);
    expect(first.status).toBe(200);
    expect(bodyOf(first, ZPushResponse).results).toMatchObject([{ status: "ok", version: 3 }]);
    expect(bodyOf(await serverPush(approval), ZPushResponse)).toEqual(bodyOf(first, ZPushResponse));
    const changes = (await pullAll(device, token)).pages.flatMap((p) => p.changes);
    expect(changes.map((c) => [c.id, c.version, c.data?.status])).toEqual([[id, 3, "approved"]]);
    const batch = await server.db.prisma.syncBatch.findFirstOrThrow({ where: { device: { deviceId: "approver" } }, select: { userId: true, device: { select: { platform: true } } } });
    expect(batch).toEqual({ userId: "service:back-office", device: { platform: "server" } });
    // The console's record history names the writer and its key, not a device.
    const history = await loadRecordHistory(server.db.prisma, { stream: "org:acme", type: "submission", id }, { limit: 5 });
    expect(history.versions.map((v) => v.source.kind)).toEqual(["writer", "device", "device"]);
    expect(history.versions[0]?.source).toMatchObject({ kind: "writer", writerId: "approver", keyName: "back-office", bundleId: 1 });
    // The same bundle with another body is a conflict; nothing more is written.
    const reused = await serverPush({ ...approval, items: [{ ...approval.items[0], data: form("rejected") }] });
    expect([reused.status, errorOf(reused).code]).toEqual([409, "idempotency_conflict"]);
    expect(await server.db.prisma.record.findFirstOrThrow({ where: { id }, select: { version: true } })).toEqual({ version: 3 });
  });

  it("is held to transitions but may set server-only fields a device may not", async () => {
    const device = await makeDevice(server.url, "ben", { streams: ["org:acme"] });
    const created = await push(device, 1, [{ type: "submission", stream: "org:acme", action: "create", data: form("draft") }]);
    const id = created.results[0]?.id ?? "";
    const byDevice = await push(device, 2, [{ type: "submission", stream: "org:acme", id, action: "update", base_version: 1, data: form("draft", { reviewer: "me" }) }]);
    expect(byDevice.results[0]?.error?.code).toBe("invalid_data");
    const skip = await serverPush({ writer_id: "approver", bundle_id: 2, items: [{ type: "submission", stream: "org:acme", id, action: "update", base_version: 1, data: form("approved") }] });
    expect(bodyOf(skip, ZPushResponse).results[0]?.error?.code).toBe("invalid_transition");
    const tag = await serverPush({ writer_id: "approver", bundle_id: 3, items: [{ type: "submission", stream: "org:acme", id, action: "update", base_version: 1, data: form("draft", { reviewer: "bot" }) }] });
    expect(bodyOf(tag, ZPushResponse).results[0]).toMatchObject({ status: "ok", version: 2 });
  });

  it("answers 403 for a stream outside the key or a key without write, and stores nothing", async () => {
    const before = await server.db.prisma.syncBatch.count();
    const outside = await serverPush({ writer_id: "approver", bundle_id: 9, items: [
      { type: "memo", stream: "org:acme", action: "create", data: { content: "in", tags: [], pinned: false } },
      { type: "memo", stream: "user:ann", action: "create", data: { content: "out", tags: [], pinned: false } },
    ] });
    expect([outside.status, errorOf(outside).code]).toEqual([403, "forbidden"]);
    const { key: reader } = await createServiceKey(server.db.prisma, admin, { name: "reader", scopes: ["read"], streams: ["*"] });
    const readOnly = await serverPush({ writer_id: "approver", bundle_id: 10, items: [{ type: "memo", stream: "org:acme", action: "create", data: { content: "x", tags: [], pinned: false } }] }, reader);
    expect([readOnly.status, errorOf(readOnly).code]).toEqual([403, "forbidden"]);
    const invalid = await serverPush({ writer_id: "approver", bundle_id: 11, items: [{ type: "memo", action: "create", data: {} }] });
    expect([invalid.status, errorOf(invalid).code]).toEqual([400, "invalid_request"]);
    expect(await server.db.prisma.syncBatch.count()).toBe(before);
    expect(await server.db.prisma.record.count({ where: { type: "memo" } })).toBe(0);
  });
});
