// The four conflict policies (PROTOCOL.md "Records and types"), each outcome over real HTTP. A
// stale write is an update whose base_version is older than the server's version.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { createRecord, freshBundleId, push, type PushItem } from "../support/protocol";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Two devices of one user: `a` created the record at version 1, `b` moved it to version 2. */
async function staleSetup(type: string, v1: Record<string, unknown>, v2: Record<string, unknown>, extra: Partial<PushItem> = {}) {
  const userId = `policy-${freshBundleId()}`;
  const a = await makeDevice(server.url, userId);
  const b = await makeDevice(server.url, userId);
  const { id } = await createRecord(a, type, v1);
  const update = await push(b, [{ type, action: "update", id, base_version: 1, data: v2, ...extra }]);
  expect(update.results[0]?.status).toBe("ok");
  const key = { stream: `user:${userId}`, type, id };
  const read = () => server.db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: key } });
  return { a, id, key, read, before: await read() };
}

const staleUpdate = (d: TestDevice, type: string, id: string, data: Record<string, unknown>, extra: Partial<PushItem> = {}) =>
  push(d, [{ type, action: "update", id, base_version: 1, data, ...extra }]).then((r) => r.results[0]);

const memo = (content: string) => ({ content, tags: [], pinned: false });
const T1 = "2024-01-10T10:00:00.500Z";

describe("lww (memo)", () => {
  const setup = () => staleSetup("memo", memo("v1"), memo("server"), { updated_at: T1 });

  it("lets a later client edit win and reports client_wins", async () => {
    const { a, id, read } = await setup();
    const result = await staleUpdate(a, "memo", id, memo("client"), { updated_at: "2024-01-10T10:00:00.501Z" });
    expect(result).toMatchObject({ status: "ok", version: 3 });
    expect(result?.conflict).toMatchObject({ policy: "lww", resolution: "client_wins", base_version: 1, server_version: 2 });
    expect(result?.conflict?.server_data).toEqual(memo("server"));
    const record = await read();
    expect([record.version, record.data, record.updatedAt.toISOString()]).toEqual([3, memo("client"), "2024-01-10T10:00:00.501Z"]);
  });

  const serverWins: [string, Partial<PushItem>][] = [
    ["an earlier client edit", { updated_at: "2024-01-10T10:00:00.499Z" }],
    ["a tie at millisecond precision", { updated_at: "2024-01-10T10:00:00.500900Z" }],
    ["the same instant in another offset", { updated_at: "2024-01-10T12:00:00.500+02:00" }],
    ["an edit without updated_at", {}],
  ];
  for (const [name, extra] of serverWins) {
    it(`keeps the server's record against ${name} (server_wins, nothing stored)`, async () => {
      const { a, id, read, before } = await setup();
      const result = await staleUpdate(a, "memo", id, memo("client"), extra);
      expect(result).toMatchObject({ status: "conflict", version: 2 });
      expect(result?.conflict).toMatchObject({ policy: "lww", resolution: "server_wins", server_data: memo("server") });
      expect(result?.conflict).not.toHaveProperty("conflict_id");
      expect(await read()).toEqual(before);
      expect(await server.db.prisma.conflict.count({ where: { recordId: id } })).toBe(0);
    });
  }

  it("clamps a future client clock to the server's, so the record never carries a future time", async () => {
    const { a, id, read } = await setup();
    const future = new Date(Date.now() + 365 * 24 * 3600_000).toISOString();
    const result = await staleUpdate(a, "memo", id, memo("from the future"), { updated_at: future });
    expect(result).toMatchObject({ status: "ok", version: 3, conflict: { resolution: "client_wins" } });
    const record = await read();
    expect(record.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
    const change = await server.db.prisma.change.findFirstOrThrow({ where: { recordId: id, version: 3 } });
    expect(change.updatedAt.getTime()).toBe(record.updatedAt.getTime());
  });
});

describe("version (noot)", () => {
  const noot = (title: string) => ({ title, activities: [] });
  const setup = () => staleSetup("noot", noot("v1"), noot("server"));

  it("lets a higher client_version win and reports client_wins", async () => {
    const { a, id, read } = await setup();
    const result = await staleUpdate(a, "noot", id, noot("client"), { client_version: 3 });
    expect(result).toMatchObject({ status: "ok", version: 3, conflict: { policy: "version", resolution: "client_wins", fields: ["title"] } });
    expect((await read()).data).toEqual(noot("client"));
  });

  for (const [name, extra] of [["an equal", { client_version: 2 }], ["a lower", { client_version: 1 }], ["no", {}]] as const) {
    it(`keeps the server's record against ${name} client_version (server_wins)`, async () => {
      const { a, id, read, before } = await setup();
      const result = await staleUpdate(a, "noot", id, noot("client"), extra);
      expect(result).toMatchObject({ status: "conflict", version: 2, conflict: { resolution: "server_wins", server_version: 2 } });
      expect(await read()).toEqual(before);
    });
  }
});

describe("merge (submission)", () => {
  const base = { form_id: "f", form_version: 1, data: { a: 1 }, status: "draft" };
  const setup = () => staleSetup("submission", base, { ...base, status: "submitted" });

  it("merges disjoint edits, keeps both, and writes a change with reason merged", async () => {
    const { a, id, key, read } = await setup();
    const result = await staleUpdate(a, "submission", id, { ...base, data: { a: 2 } });
    expect(result).toMatchObject({ status: "ok", version: 3, conflict: { policy: "merge", resolution: "merged" } });
    expect((await read()).data).toEqual({ ...base, data: { a: 2 }, status: "submitted" });
    const change = await server.db.prisma.change.findFirstOrThrow({ where: { stream: key.stream, recordId: id, version: 3 } });
    expect(change.data).toEqual({ ...base, data: { a: 2 }, status: "submitted" });
    expect(change.conflict).toEqual({ fields: result?.conflict?.fields, reason: "merged" });
  });

  it("merges when both sides made the same edit", async () => {
    const { a, id, read } = await setup();
    const result = await staleUpdate(a, "submission", id, { ...base, status: "submitted", form_version: 2 });
    expect(result).toMatchObject({ status: "ok", conflict: { resolution: "merged" } });
    expect((await read()).data).toEqual({ ...base, status: "submitted", form_version: 2 });
  });

  it("stores a conflict naming the overlapping fields and leaves the record unchanged", async () => {
    const { a, id, read, before } = await setup();
    const result = await staleUpdate(a, "submission", id, { ...base, status: "rejected", data: { a: 3 } });
    expect(result).toMatchObject({ status: "conflict", version: 2, conflict: { policy: "merge", fields: ["status"] } });
    expect(result?.conflict).not.toHaveProperty("resolution");
    const stored = await server.db.prisma.conflict.findUniqueOrThrow({ where: { id: result?.conflict?.conflict_id ?? "" } });
    expect([stored.status, stored.fields, stored.baseVersion, stored.serverVersion]).toEqual(["open", ["status"], 1, 2]);
    expect(stored.baseData).toEqual(base);
    expect(await read()).toEqual(before);
  });
});

describe("manual (meter)", () => {
  const meter = (reading: number) => ({ code: `M-${freshBundleId()}`, reading, unit: "kWh" });

  it("stores a conflict with base, server and client data and leaves the record unchanged", async () => {
    const v1 = meter(1);
    const v2 = { ...v1, reading: 2 };
    const client = { ...v1, reading: 3, unit: "MWh" };
    const { a, id, key, read, before } = await staleSetup("meter", v1, v2);
    const result = await staleUpdate(a, "meter", id, client);
    expect(result).toMatchObject({ status: "conflict", version: 2 });
    expect(result?.conflict).toMatchObject({
      policy: "manual", fields: ["reading", "unit"], base_version: 1, server_version: 2, server_data: v2, client_data: client, deleted: false,
    });
    const stored = await server.db.prisma.conflict.findUniqueOrThrow({ where: { id: result?.conflict?.conflict_id ?? "" } });
    expect(stored).toMatchObject({
      stream: key.stream, type: "meter", recordId: id, policy: "manual", status: "open", clientAction: "update",
      baseData: v1, serverData: v2, clientData: client, fields: ["reading", "unit"],
    });
    expect(await read()).toEqual(before);
    expect(await server.db.prisma.change.count({ where: { recordId: id } })).toBe(2);
  });
});
