// Push over real HTTP (PROTOCOL.md "Push"): idempotency, temp ids, bundles and the sync batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZPushResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import {
  countRows, expectError, freshBundleId, push, pushBody, snapshotTables, withoutColumns,
} from "../support/protocol";
import { errorOf, bodyOf } from "../support/answers";

let server: TestServer;
const memo = (content: string) => ({ content, tags: [], pinned: false });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const device = (user: string) => makeDevice(server.url, `${user}-${freshBundleId()}`);
const postPush = (d: TestDevice, body: unknown) => d.call("POST", "/api/v1/sync/push", body);

describe("idempotency", () => {
  it("returns the identical response to a retry and applies the bundle once", async () => {
    const d = await device("retry");
    const body = pushBody(d, [
      { type: "memo", action: "create", client_temp_id: "m1", data: memo("one") },
      { type: "noot", action: "create", id: "noot-1", data: { title: "t", activities: [] } },
    ]);
    const first = await postPush(d, body);
    expect(first.status).toBe(200);
    const afterFirst = await countRows(server.db.prisma);
    const retry = await postPush(d, body);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await countRows(server.db.prisma)).toEqual(afterFirst);
    const stream = `user:${d.userId}`;
    expect(await server.db.prisma.record.count({ where: { stream } })).toBe(2);
    expect(await server.db.prisma.change.count({ where: { stream } })).toBe(2);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: d.userId } })).toBe(1);
  });

  it("answers 409 idempotency_conflict to the same key with another body and stores nothing", async () => {
    const d = await device("conflict");
    const body = pushBody(d, [{ type: "memo", action: "create", id: "a", data: memo("first") }]);
    const first = await postPush(d, body);
    expect(first.status).toBe(200);
    const before = await snapshotTables(server.db.prisma);
    const other = { ...body, items: [{ type: "memo", action: "create", id: "b", data: memo("second") }] };
    const answer = await postPush(d, other);
    expectError(answer, 409, "idempotency_conflict");
    expect(errorOf(answer).details).toEqual({ bundle_id: body.bundle_id });
    const after = await snapshotTables(server.db.prisma);
    expect(withoutColumns(after, "devices", ["last_seen_at"])).toEqual(withoutColumns(before, "devices", ["last_seen_at"]));
    expect((await postPush(d, body)).body).toEqual(first.body);
  });

  it("applies five concurrent identical retries once, all with the same answer", async () => {
    const d = await device("concurrent");
    const body = pushBody(d, [
      { type: "memo", action: "create", client_temp_id: "c1", data: memo("once") },
      { type: "memo", action: "create", client_temp_id: "c2", data: memo("twice?") },
    ]);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postPush(d, body)));
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual(answers[0]?.body);
    }
    const stream = `user:${d.userId}`;
    expect(await server.db.prisma.record.count({ where: { stream } })).toBe(2);
    expect(await server.db.prisma.change.count({ where: { stream } })).toBe(2);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: d.userId } })).toBe(1);
    expect(await server.db.prisma.device.count({ where: { userId: d.userId } })).toBe(1);
  });
});

describe("temp ids and server ids", () => {
  it("gives a create without id a server id, maps client_temp_id to it stably, and lets later items use it", async () => {
    const d = await device("temp");
    const body = pushBody(d, [
      { type: "memo", action: "create", client_temp_id: "tmp-1", data: memo("draft") },
      { type: "memo", action: "update", id: "tmp-1", base_version: 1, data: memo("final") },
      { type: "memo", action: "create", data: memo("no temp id") },
    ]);
    const first = await postPush(d, body);
    expect(first.status).toBe(200);
    const [created, updated, anonymous] = bodyOf(first, ZPushResponse).results;
    if (!created || !updated || !anonymous) throw new Error("three results expected");
    expect(created).toMatchObject({ index: 0, client_temp_id: "tmp-1", status: "ok", version: 1 });
    expect(created.id).toMatch(UUID);
    expect(updated).toMatchObject({ index: 1, client_temp_id: null, id: created.id, status: "ok", version: 2 });
    expect(anonymous).toMatchObject({ status: "ok", version: 1, client_temp_id: null });
    expect(anonymous.id).toMatch(UUID);
    expect(anonymous.id).not.toBe(created.id);
    const retry = await postPush(d, body);
    expect(bodyOf(retry, ZPushResponse).results.map((r) => r.id)).toEqual([created.id, created.id, anonymous.id]);
    const stream = `user:${d.userId}`;
    const records = await server.db.prisma.record.findMany({ where: { stream }, orderBy: { version: "desc" } });
    expect(records.map((r) => [r.id, r.version, r.data])).toEqual([
      [created.id, 2, memo("final")],
      [anonymous.id, 1, memo("no temp id")],
    ]);
    expect(await server.db.prisma.record.count({ where: { id: "tmp-1" } })).toBe(0);
  });

  it("applies an update after a create of the same id in one bundle, with consistent changes", async () => {
    const d = await device("create-update");
    const response = await push(d, [
      { type: "noot", action: "create", id: "n1", data: { title: "a", activities: [] } },
      { type: "noot", action: "update", id: "n1", base_version: 1, data: { title: "b", activities: [{ at: 1 }] } },
    ]);
    expect(response.status).toBe("applied");
    expect(response.results.map((r) => [r.status, r.version])).toEqual([["ok", 1], ["ok", 2]]);
    const stream = `user:${d.userId}`;
    const record = await server.db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: { stream, type: "noot", id: "n1" } } });
    expect([record.version, record.data, record.deleted]).toEqual([2, { title: "b", activities: [{ at: 1 }] }, false]);
    const changes = await server.db.prisma.change.findMany({ where: { stream }, orderBy: { seq: "asc" } });
    expect(changes.map((c) => [c.op, c.version, c.data])).toEqual([
      ["upsert", 1, { title: "a", activities: [] }],
      ["upsert", 2, { title: "b", activities: [{ at: 1 }] }],
    ]);
  });

  it("deletes a parent created in the same bundle: a tombstone and an upsert then a delete change", async () => {
    const d = await device("create-delete");
    const response = await push(d, [
      { type: "memo", action: "create", client_temp_id: "parent", data: memo("short-lived") },
      { type: "memo", action: "create", client_temp_id: "child", data: memo("stays") },
      { type: "memo", action: "delete", id: "parent", base_version: 1 },
    ]);
    expect(response.results.map((r) => [r.status, r.version])).toEqual([["ok", 1], ["ok", 1], ["ok", 2]]);
    const parentId = response.results[0]?.id ?? "";
    expect(response.results[2]?.id).toBe(parentId);
    const stream = `user:${d.userId}`;
    const parent = await server.db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: { stream, type: "memo", id: parentId } } });
    expect([parent.deleted, parent.version]).toEqual([true, 2]);
    // The tombstone keeps its last data (for the console); a live record has its change's data.
    expect(parent.data).toEqual(memo("short-lived"));
    const child = await server.db.prisma.record.findUniqueOrThrow({ where: { stream_type_id: { stream, type: "memo", id: response.results[1]?.id ?? "" } } });
    expect([child.deleted, child.data]).toEqual([false, memo("stays")]);
    const changes = await server.db.prisma.change.findMany({ where: { stream, recordId: parentId }, orderBy: { seq: "asc" } });
    expect(changes.map((c) => [c.op, c.version, c.data])).toEqual([["upsert", 1, memo("short-lived")], ["delete", 2, null]]);
  });
});

describe("bundles and sync batches", () => {
  it("commits all changes of one push with consecutive seqs under its batch_id, even with a concurrent writer", async () => {
    const a = await device("bundle");
    const b = await makeDevice(server.url, a.userId);
    const items = (tag: string) => Array.from({ length: 6 }, (_, i) => ({ type: "memo", action: "create" as const, data: memo(`${tag}${i}`) }));
    const [ra, rb] = await Promise.all([push(a, items("a")), push(b, items("b"))]);
    for (const response of [ra, rb]) {
      const changes = await server.db.prisma.change.findMany({ where: { batchId: response.batch_id }, orderBy: { seq: "asc" } });
      expect(changes).toHaveLength(6);
      const first = Number(changes[0]?.seq);
      expect(changes.map((c) => Number(c.seq))).toEqual([0, 1, 2, 3, 4, 5].map((i) => first + i));
      expect(changes.map((c) => c.recordId)).toEqual(response.results.map((r) => r.id));
    }
    const stream = await server.db.prisma.stream.findUniqueOrThrow({ where: { name: `user:${a.userId}` } });
    expect(stream.headSeq).toBe(12n);
  });

  it("stores the raw request and the per-item results as a sync batch", async () => {
    const d = await device("batch");
    const body = pushBody(d, [
      { type: "memo", action: "create", client_temp_id: "x", data: memo("kept") },
      { type: "nope", action: "create", data: {} },
    ]);
    const answer = await postPush(d, body);
    expect(bodyOf(answer, ZPushResponse).status).toBe("partial");
    const batch = await server.db.prisma.syncBatch.findUniqueOrThrow({ where: { id: bodyOf(answer, ZPushResponse).batch_id } });
    expect(batch.request).toEqual({ ...body, mode: "partial" });
    expect(batch.response).toEqual(answer.body);
    expect(batch.bundleId).toBe(BigInt(body.bundle_id));
    expect([batch.status, batch.mode, batch.itemCount, batch.okCount, batch.errorCount, batch.conflictCount])
      .toEqual(["partial", "partial", 2, 1, 1, 0]);
  });
});
