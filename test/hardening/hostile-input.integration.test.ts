// What an outside chaos and hostile-input run found (issue 19 part 5), as regression tests on both
// engines: a client gone mid-body is an aborted request, not a logged 500; U+0000 in a query or
// path is a 400 before any query; /sync/verify registers the device it names (documented); a
// device token cannot pose as a service key's writer (issue 16).
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createServiceKey } from "@/server/keys/service-keys";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { sendRaw } from "./support/raw-http";
import { diffState, snapshotState } from "./support/state";

type Line = { level: string; fields: unknown; message: unknown };
const logged = vi.hoisted(() => ({ lines: [] as Line[] }));
// Every module of this worker logs here (the route handlers are imported by the test server).
vi.mock("@/server/log", () => {
  const at = (level: string) => (fields: unknown, message?: unknown) => void logged.lines.push({ level, fields, message });
  const logger = { trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), fatal: at("fatal"), child: () => logger };
  return { logger };
});

let server: TestServer;
let device: TestDevice;
beforeAll(async () => {
  server = await startTestServer();
  device = await makeDevice(server.url, "hostile");
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  logged.lines.length = 0;
});

/** Sends the headers and half of a declared body over a raw socket, then destroys the socket. */
async function sendHalfThenVanish(path: string, body: string): Promise<void> {
  const url = new URL(server.url);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const bytes = Buffer.from(body);
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${device.jwt}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`);
  socket.write(bytes.subarray(0, bytes.byteLength >> 1));
  // Let the server start reading the body before the client goes away.
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.destroy();
}

describe("a client that disconnects mid-body", () => {
  it("is logged as an aborted request, never as an error or a 500, and writes nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    const items = Array.from({ length: 200 }, (_, i) => ({ type: "memo", id: `gone-${i}`, action: "create", data: { content: "x".repeat(200), tags: [], pinned: false } }));
    await sendHalfThenVanish("/api/v1/sync/push", JSON.stringify({ device_id: device.deviceId, bundle_id: 1, items }));
    await vi.waitFor(() => expect(logged.lines.some((l) => l.message === "request aborted")).toBe(true), { timeout: 5_000 });
    const aborted = logged.lines.find((l) => l.message === "request aborted");
    expect(aborted?.level).toBe("info");
    expect(aborted?.fields).toMatchObject({ route: "/api/v1/sync/push", method: "POST", aborted: true, status: 400 });
    expect(logged.lines.filter((l) => l.level === "error" || l.level === "fatal"), JSON.stringify(logged.lines)).toEqual([]);
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
    // The server still serves the same device afterwards.
    expect((await device.call("POST", "/api/v1/sync/push", { device_id: device.deviceId, bundle_id: 1, items: items.slice(0, 1) })).status).toBe(200);
  });
});

describe("U+0000 in a query or path parameter", () => {
  it("is a 400 naming the parameter on every kind of route, changing nothing", async () => {
    const before = await snapshotState(server.db.prisma);
    const auth = { authorization: `Bearer ${device.jwt}`, "x-device-id": device.deviceId };
    for (const [target, field] of [
      ["/api/v1/sync/checksums?types=memo%00", "types"],
      ["/api/v1/sync/digest?types=%00", "types"],
      ["/api/v1/conflicts?status=all&cursor=a%00b", "cursor"],
      ["/api/v1/sync/pull?token=%00", "token"],
      ["/api/v1/uploads/a%00b", "id"],
    ] as const) {
      const answer = await sendRaw(server.url, { method: "GET", target, headers: auth });
      expect(answer.status, `${target}: ${answer.text}`).toBe(400);
      expect(answer.json, target).toMatchObject({ error: { code: "invalid_request", details: { fields: [{ field }] } } });
    }
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
  });
});

describe("POST /sync/verify", () => {
  it("registers the device it names, as every call naming a device does (docs/protocol.md \"Identity\")", async () => {
    const newcomer = await makeDevice(server.url, "verify-only");
    const answer = await newcomer.call("POST", "/api/v1/sync/verify", { device_id: newcomer.deviceId, items: [] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const row = await server.db.prisma.device.findUnique({ where: { userId_deviceId: { userId: "verify-only", deviceId: newcomer.deviceId } } });
    expect(row?.revokedAt).toBeNull();
    // Registered means revocable: once revoked, verify refuses it like any other call.
    await server.db.prisma.device.update({ where: { userId_deviceId: { userId: "verify-only", deviceId: newcomer.deviceId } }, data: { revokedAt: new Date() } });
    const refused = await newcomer.call("POST", "/api/v1/sync/verify", { device_id: newcomer.deviceId, items: [] });
    expect(refused.status).toBe(403);
  });
});

describe("a device JWT whose sub is service:<key>", () => {
  it("is refused (401), so it cannot push as, read as or reuse the idempotency keys of that key's writer", async () => {
    const { key } = await createServiceKey(server.db.prisma, { type: "staff", id: "admin-1" }, { name: "backoffice", scopes: ["read", "write"], streams: ["org:*"] });
    const item = { type: "memo", stream: "org:shared", id: "w-1", action: "create", data: { content: "by the backend", tags: [], pinned: false } };
    const written = await fetch(`${server.url}/api/v1/server/push`, {
      method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ writer_id: "approver", bundle_id: 1, items: [item] }),
    });
    expect(written.status).toBe(200);
    const before = await snapshotState(server.db.prisma);
    const impostor = await makeDevice(server.url, "service:backoffice", { streams: ["org:shared"], deviceId: "approver" });
    for (const [method, path, body] of [
      ["POST", "/api/v1/sync/push", { device_id: "approver", bundle_id: 1, items: [{ ...item, data: { content: "forged", tags: [], pinned: false } }] }],
      ["POST", "/api/v1/sync/bootstrap", { device_id: "approver" }],
      ["GET", "/api/v1/conflicts", undefined],
    ] as const) {
      const answer = await impostor.call(method, path, body, { "x-device-id": "approver" });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: "invalid_token", details: { fields: [{ field: "sub" }] } } });
    }
    expect(diffState(before, await snapshotState(server.db.prisma))).toEqual([]);
    const record = await server.db.prisma.record.findFirst({ where: { id: "w-1" }, select: { data: true } });
    expect(record?.data).toMatchObject({ content: "by the backend" });
  });
});
