// Device-side conflicts (PROTOCOL.md "Conflicts"): listing the caller's open conflicts and
// resolving them, with an audit entry and, when the record changes, a change other devices pull.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZConflictPage, ZResolveResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import {
  badFields, bootstrapToken, createRecord, expectError, freshBundleId, pullAll, push, snapshotTables,
} from "../support/protocol";
import { bodyOf } from "../support/answers";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const meter = (code: string, reading: number) => ({ code, reading, unit: "kWh" });

/** A stored manual conflict: `device` edits a meter another device of the same user changed first. */
async function openConflict(device: TestDevice, action: "update" | "delete" = "update") {
  const code = `C-${freshBundleId()}`;
  const { id } = await createRecord(device, "meter", meter(code, 1));
  const other = await makeDevice(server.url, device.userId);
  await push(other, [{ type: "meter", action: "update", id, base_version: 1, data: meter(code, 2) }]);
  const item = action === "update"
    ? { type: "meter", action, id, base_version: 1, data: meter(code, 3) }
    : { type: "meter", action, id, base_version: 1 };
  const result = (await push(device, [item])).results[0];
  expect(result?.status).toBe("conflict");
  const conflictId = result?.conflict?.conflict_id ?? "";
  expect(conflictId).not.toBe("");
  return { id, code, conflictId, key: { stream: `user:${device.userId}`, type: "meter", id } };
}

const newUser = async (name: string) => makeDevice(server.url, `${name}-${freshBundleId()}`);
const resolve = (d: TestDevice, conflictId: string, body: unknown) => d.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, body);
const readRecord = (key: { stream: string; type: string; id: string }) =>
  server.db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: key } });

describe("GET /api/v1/conflicts", () => {
  it("lists only the caller's open conflicts, paged with next_cursor", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const mine = [await openConflict(alice), await openConflict(alice), await openConflict(alice)];
    const closed = await openConflict(alice);
    expect((await resolve(alice, closed.conflictId, { resolution: "accept_server" })).status).toBe(200);
    const bobs = await openConflict(bob);

    const first = await alice.call("GET", "/api/v1/conflicts?status=open&limit=2");
    expect(first.status).toBe(200);
    expect(bodyOf(first, ZConflictPage).conflicts).toHaveLength(2);
    expect(bodyOf(first, ZConflictPage).next_cursor).toEqual(expect.any(String));
    const second = await alice.call("GET", `/api/v1/conflicts?status=open&limit=2&cursor=${bodyOf(first, ZConflictPage).next_cursor}`);
    expect(bodyOf(second, ZConflictPage).conflicts).toHaveLength(1);
    expect(bodyOf(second, ZConflictPage).next_cursor).toBeNull();
    const listed = [...bodyOf(first, ZConflictPage).conflicts, ...bodyOf(second, ZConflictPage).conflicts];
    expect(listed.map((c: { id: string }) => c.id).sort()).toEqual(mine.map((c) => c.conflictId).sort());
    expect(listed.every((c: { status: string; stream: string }) => c.status === "open" && c.stream === `user:${alice.userId}`)).toBe(true);

    const bobList = await bob.call("GET", "/api/v1/conflicts?status=open");
    expect(bodyOf(bobList, ZConflictPage).conflicts.map((c: { id: string }) => c.id)).toEqual([bobs.conflictId]);
  });

  it("answers 400 to a bad query", async () => {
    const d = await newUser("query");
    const answer = await d.call("GET", "/api/v1/conflicts?status=maybe&limit=0");
    expectError(answer, 400, "invalid_request");
    expect(badFields(answer)).toEqual(["limit", "status"]);
  });
});

describe("POST /api/v1/conflicts/{id}/resolve", () => {
  it("accept_server closes the conflict, keeps the record, writes no change and appends an audit entry", async () => {
    const d = await newUser("server");
    const { conflictId, key } = await openConflict(d);
    const before = await readRecord(key);
    const changes = await server.db.prisma.change.count({ where: { stream: key.stream } });
    const answer = await resolve(d, conflictId, { resolution: "accept_server" });
    expect(answer.status).toBe(200);
    expect(bodyOf(answer, ZResolveResponse).conflict).toMatchObject({ id: conflictId, status: "resolved", resolution: "accept_server" });
    expect(bodyOf(answer, ZResolveResponse).record).toMatchObject({ id: key.id, version: 2, data: before.data });
    expect(await readRecord(key)).toEqual(before);
    expect(await server.db.prisma.change.count({ where: { stream: key.stream } })).toBe(changes);
    const audit = await server.db.prisma.auditEntry.findMany({ where: { targetId: conflictId } });
    expect(audit.map((a) => [a.action, a.actorType, a.actorId, a.targetType])).toEqual([["conflict.resolve", "device", d.userId, "conflict"]]);
    expect(audit[0]?.details).toMatchObject({ resolution: "accept_server" });
  });

  const writing = [
    ["accept_client", {}, 3],
    ["manual_merge", { data: { code: "MERGED", reading: 2.5, unit: "kWh" } }, 2.5],
  ] as const;
  for (const [resolution, extra, reading] of writing) {
    it(`${resolution} writes the record with a conflict hint that another device pulls`, async () => {
      const d = await newUser(resolution);
      const { conflictId, key, code } = await openConflict(d);
      const peer = await makeDevice(server.url, d.userId);
      const token = await bootstrapToken(peer);
      const answer = await resolve(d, conflictId, { resolution, ...extra });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const expected = "data" in extra ? extra.data : meter(code, reading);
      expect(bodyOf(answer, ZResolveResponse).record).toMatchObject({ version: 3, data: expected, deleted: false });
      expect(bodyOf(answer, ZResolveResponse).conflict).toMatchObject({ status: "resolved", resolution, resolved_data: expected });
      expect((await readRecord(key)).data).toEqual(expected);
      const { changes } = await pullAll(peer, token);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ id: key.id, op: "upsert", version: 3, data: expected });
      expect(changes[0]?.conflict).toEqual({ conflict_id: conflictId, fields: ["reading"], reason: resolution });
      expect(await server.db.prisma.auditEntry.count({ where: { targetId: conflictId } })).toBe(1);
    });
  }

  it("accept_client of a delete leaves a tombstone and a delete change", async () => {
    const d = await newUser("delete");
    const { conflictId, key } = await openConflict(d, "delete");
    const answer = await resolve(d, conflictId, { resolution: "accept_client" });
    expect(answer.status).toBe(200);
    expect(bodyOf(answer, ZResolveResponse).record).toMatchObject({ version: 3, deleted: true });
    expect((await readRecord(key)).deleted).toBe(true);
    const change = await server.db.prisma.change.findFirstOrThrow({ where: { stream: key.stream, recordId: key.id, version: 3 } });
    expect([change.op, change.conflict]).toEqual(["delete", { conflict_id: conflictId, fields: ["code", "reading", "unit"], reason: "accept_client" }]);
  });

  it("refuses manual_merge without data or with invalid data (400) and changes nothing", async () => {
    const d = await newUser("invalid");
    const { conflictId } = await openConflict(d);
    const before = await snapshotTables(server.db.prisma);
    const missing = await resolve(d, conflictId, { resolution: "manual_merge" });
    expectError(missing, 400, "invalid_request");
    expect(badFields(missing)).toEqual(["data"]);
    const invalid = await resolve(d, conflictId, { resolution: "manual_merge", data: { code: "X", reading: "high", unit: "" } });
    expectError(invalid, 400, "invalid_request");
    expect(badFields(invalid)).toEqual(["data.reading", "data.unit"]);
    const unknown = await resolve(d, conflictId, { resolution: "keep_both" });
    expectError(unknown, 400, "invalid_request");
    expect(await snapshotTables(server.db.prisma)).toEqual(before);
  });

  it("answers 409 to a second resolution and changes nothing", async () => {
    const d = await newUser("twice");
    const { conflictId } = await openConflict(d);
    expect((await resolve(d, conflictId, { resolution: "accept_client" })).status).toBe(200);
    const before = await snapshotTables(server.db.prisma);
    const again = await resolve(d, conflictId, { resolution: "accept_server" });
    expectError(again, 409, "conflict");
    expect(await snapshotTables(server.db.prisma)).toEqual(before);
  });

  it("answers another user's conflict exactly like an unknown id (404) and changes nothing", async () => {
    const owner = await newUser("owner");
    const intruder = await newUser("intruder");
    const { conflictId } = await openConflict(owner);
    const before = await snapshotTables(server.db.prisma);
    const foreign = await resolve(intruder, conflictId, { resolution: "accept_client" });
    const random = await resolve(intruder, randomUUID(), { resolution: "accept_client" });
    const garbage = await resolve(intruder, "not-a-uuid", { resolution: "accept_client" });
    expectError(foreign, 404, "not_found");
    expect(foreign.body).toEqual(random.body);
    expect(garbage.body).toEqual(random.body);
    expect(garbage.status).toBe(404);
    expect(await snapshotTables(server.db.prisma)).toEqual(before);
    const list = await intruder.call("GET", "/api/v1/conflicts?status=all");
    expect(bodyOf(list, ZConflictPage).conflicts).toEqual([]);
  });
});
