// Per-item rules of a push: repeated creates, unconditional updates, tombstones, streams and
// unique fields. Each rule is a decision recorded in docs/protocol.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { createRecord, freshBundleId, push } from "../support/protocol";

let server: TestServer;
const memo = (content: string) => ({ content, tags: [], pinned: false });
const meter = (code: string, reading: number) => ({ code, reading, unit: "kWh" });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const user = (name: string) => `${name}-${freshBundleId()}`;
const recordOf = (stream: string, type: string, id: string) =>
  server.db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: { stream, type, id } } });

describe("creates, updates and deletes", () => {
  it("treats a create of an existing id with identical data as an ok that writes nothing", async () => {
    const d = await makeDevice(server.url, user("again"));
    await createRecord(d, "memo", memo("same"), "r1");
    const changes = await server.db.prisma.change.count();
    const response = await push(d, [{ type: "memo", action: "create", id: "r1", data: memo("same") }]);
    expect(response.results[0]).toMatchObject({ id: "r1", status: "ok", version: 1 });
    expect(response.results[0]).not.toHaveProperty("conflict");
    expect(await server.db.prisma.change.count()).toBe(changes);
  });

  it("sends a create of an existing id with other data through the policy as an update from version 0", async () => {
    const d = await makeDevice(server.url, user("recreate"));
    await createRecord(d, "meter", meter("C-1", 1), "m1");
    const response = await push(d, [{ type: "meter", action: "create", id: "m1", data: meter("C-1", 5) }]);
    expect(response.results[0]).toMatchObject({ status: "conflict", version: 1 });
    expect(response.results[0]?.conflict).toMatchObject({ policy: "manual", base_version: 0, server_version: 1, fields: ["reading"] });
    expect(response.results[0]?.conflict?.conflict_id).toEqual(expect.any(String));
    expect((await recordOf(`user:${d.userId}`, "meter", "m1")).data).toEqual(meter("C-1", 1));
  });

  it("applies an update without base_version unconditionally, even under the manual policy", async () => {
    const d = await makeDevice(server.url, user("unconditional"));
    await createRecord(d, "meter", meter("U-1", 1), "m1");
    await push(d, [{ type: "meter", action: "update", id: "m1", base_version: 1, data: meter("U-1", 2) }]);
    const response = await push(d, [{ type: "meter", action: "update", id: "m1", data: meter("U-1", 3) }]);
    expect(response.results[0]).toMatchObject({ status: "ok", version: 3 });
    expect((await recordOf(`user:${d.userId}`, "meter", "m1")).data).toEqual(meter("U-1", 3));
    expect(await server.db.prisma.conflict.count({ where: { recordId: "m1", userId: d.userId } })).toBe(0);
  });

  it("answers ok to a delete of a tombstone without writing a change", async () => {
    const d = await makeDevice(server.url, user("tombstone"));
    await createRecord(d, "memo", memo("bye"), "t1");
    await push(d, [{ type: "memo", action: "delete", id: "t1", base_version: 1 }]);
    const changes = await server.db.prisma.change.count();
    const response = await push(d, [{ type: "memo", action: "delete", id: "t1", base_version: 1 }]);
    expect(response.results[0]).toMatchObject({ status: "ok", version: 2 });
    expect(await server.db.prisma.change.count()).toBe(changes);
  });

  it("reports not_found for an update of a record that does not exist, and invalid_request without id", async () => {
    const d = await makeDevice(server.url, user("missing"));
    const response = await push(d, [
      { type: "memo", action: "update", id: "nowhere", data: memo("x") },
      { type: "memo", action: "delete" },
    ]);
    expect(response.results.map((r) => r.error?.code)).toEqual(["not_found", "invalid_request"]);
    expect(await server.db.prisma.record.count({ where: { stream: `user:${d.userId}` } })).toBe(0);
  });
});

describe("streams", () => {
  it("writes to a granted shared stream and refuses one that is not granted", async () => {
    const d = await makeDevice(server.url, user("streams"), { streams: ["org:acme"] });
    const response = await push(d, [
      { type: "memo", action: "create", id: "s1", stream: "org:acme", data: memo("shared") },
      { type: "memo", action: "create", id: "s2", stream: "org:other", data: memo("stolen") },
      { type: "memo", action: "create", id: "s3", stream: "user:someone-else", data: memo("stolen") },
    ]);
    expect(response.results.map((r) => [r.status, r.error?.code])).toEqual([["ok", undefined], ["error", "forbidden"], ["error", "forbidden"]]);
    expect((await recordOf("org:acme", "memo", "s1")).data).toEqual(memo("shared"));
    expect(await server.db.prisma.record.count({ where: { id: { in: ["s2", "s3"] } } })).toBe(0);
    expect(await server.db.prisma.stream.count({ where: { name: { in: ["org:other", "user:someone-else"] } } })).toBe(0);
  });

  it("keeps the same id under two users apart", async () => {
    const a = await makeDevice(server.url, user("same-a"));
    const b = await makeDevice(server.url, user("same-b"));
    await createRecord(a, "memo", memo("a's"), "shared-id");
    const response = await push(b, [{ type: "memo", action: "create", id: "shared-id", data: memo("b's") }]);
    expect(response.results[0]).toMatchObject({ status: "ok", version: 1 });
    expect((await recordOf(`user:${a.userId}`, "memo", "shared-id")).data).toEqual(memo("a's"));
    expect((await recordOf(`user:${b.userId}`, "memo", "shared-id")).data).toEqual(memo("b's"));
  });
});

describe("unique fields", () => {
  it("reports a duplicate meter.code as a unique_violation item error and stores nothing for it", async () => {
    const d = await makeDevice(server.url, user("unique"));
    await createRecord(d, "meter", meter("DUP", 1), "m1");
    const response = await push(d, [
      { type: "meter", action: "create", id: "m2", data: meter("DUP", 2) },
      { type: "meter", action: "create", id: "m3", data: meter("FREE", 3) },
      { type: "meter", action: "update", id: "m3", base_version: 1, data: meter("DUP", 3) },
    ]);
    expect(response.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["error", "unique_violation"], ["ok", undefined], ["error", "unique_violation"],
    ]);
    const stream = `user:${d.userId}`;
    expect(await server.db.prisma.record.count({ where: { stream, id: "m2" } })).toBe(0);
    expect((await recordOf(stream, "meter", "m3")).data).toEqual(meter("FREE", 3));
  });

  it("allows the code again once its record is deleted, and the same code in another user's stream", async () => {
    const d = await makeDevice(server.url, user("unique-free"));
    const other = await makeDevice(server.url, user("unique-other"));
    await createRecord(d, "meter", meter("ONE", 1), "m1");
    expect((await push(other, [{ type: "meter", action: "create", data: meter("ONE", 9) }])).results[0]?.status).toBe("ok");
    await push(d, [{ type: "meter", action: "delete", id: "m1", base_version: 1 }]);
    expect((await push(d, [{ type: "meter", action: "create", id: "m2", data: meter("ONE", 2) }])).results[0]?.status).toBe("ok");
  });
});
