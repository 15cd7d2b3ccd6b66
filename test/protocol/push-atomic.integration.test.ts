// Push modes (PROTOCOL.md "Push"): partial applies what it can; atomic commits all items or none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZPushResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import {
  createRecord, freshBundleId, push, pushBody, snapshotTables, withoutColumns, type Snapshot,
} from "../support/protocol";
import { bodyOf } from "../support/answers";

let server: TestServer;
const memo = (content: string) => ({ content, tags: [], pinned: false });
const noot = (title: string) => ({ title, activities: [] });
const meter = (code: string, reading: number) => ({ code, reading, unit: "kWh" });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const device = (user: string) => makeDevice(server.url, `${user}-${freshBundleId()}`);
const postPush = (d: TestDevice, body: unknown) => d.call("POST", "/api/v1/sync/push", body);

/** Everything but the new rejected batch and the device's last-seen time. */
function stable(snapshot: Snapshot, batchId?: string): Snapshot {
  const trimmed = withoutColumns(snapshot, "devices", ["last_seen_at"]);
  return { ...trimmed, sync_batches: (trimmed.sync_batches ?? []).filter((row) => row.id !== batchId) };
}

describe("partial mode", () => {
  it("applies every good item and reports the bad one", async () => {
    const d = await device("partial");
    const response = await push(d, [
      { type: "memo", action: "create", id: "p1", data: memo("good") },
      { type: "memo", action: "create", id: "p2", data: { content: 42 } },
      { type: "memo", action: "update", id: "missing", base_version: 1, data: memo("x") },
      { type: "memo", action: "create", id: "p3", data: memo("also good") },
    ]);
    expect(response.status).toBe("partial");
    expect(response.results.map((r) => [r.index, r.id, r.status, r.error?.code])).toEqual([
      [0, "p1", "ok", undefined],
      [1, "p2", "error", "invalid_data"],
      [2, "missing", "error", "not_found"],
      [3, "p3", "ok", undefined],
    ]);
    const ids = await server.db.prisma.record.findMany({ where: { stream: `user:${d.userId}` }, select: { id: true }, orderBy: { id: "asc" } });
    expect(ids.map((r) => r.id)).toEqual(["p1", "p3"]);
  });
});

describe("atomic mode", () => {
  it("leaves the database unchanged when one item is bad, stores the rejection and replays it", async () => {
    const d = await device("atomic");
    const existing = await createRecord(d, "noot", noot("before"));
    const before = await snapshotTables(server.db.prisma);
    const body = pushBody(d, [
      { type: "memo", action: "create", client_temp_id: "m", data: memo("would be new") },
      { type: "noot", action: "update", id: existing.id, base_version: 1, data: noot("would change") },
      { type: "memo", action: "create", data: { content: "no tags" } },
    ], { mode: "atomic" });
    const answer = await postPush(d, body);
    expect(answer.status).toBe(200);
    const response = bodyOf(answer, ZPushResponse);
    expect(response.status).toBe("rejected");
    expect(response.results.map((r: { status: string }) => r.status)).toEqual(["skipped", "skipped", "error"]);
    expect(response.results[2]?.error?.code).toBe("invalid_data");
    expect(response.results[0]).not.toHaveProperty("version");
    const after = await snapshotTables(server.db.prisma);
    expect(stable(after, response.batch_id)).toEqual(stable(before));
    const batch = await server.db.prisma.syncBatch.findUniqueOrThrow({ where: { id: response.batch_id } });
    expect([batch.status, batch.mode, batch.okCount, batch.errorCount]).toEqual(["rejected", "atomic", 0, 1]);
    expect(batch.response).toEqual(response);

    const retry = await postPush(d, body);
    expect(retry.body).toEqual(response);
    const afterRetry = await snapshotTables(server.db.prisma);
    expect(withoutColumns(afterRetry, "devices", ["last_seen_at"])).toEqual(withoutColumns(after, "devices", ["last_seen_at"]));
  });

  it("reports a conflict with base_version, server_version, deleted and the full server data, storing no conflict", async () => {
    const d = await device("atomic-conflict");
    const other = await makeDevice(server.url, d.userId);
    const rec = await createRecord(d, "noot", noot("v1"));
    await push(other, [{ type: "noot", action: "update", id: rec.id, base_version: 1, data: { title: "v2", activities: [{ a: 1 }] } }]);
    const before = await snapshotTables(server.db.prisma);
    const response = await push(d, [
      { type: "memo", action: "create", data: memo("would be new") },
      { type: "noot", action: "update", id: rec.id, base_version: 1, data: noot("stale") },
    ], { mode: "atomic" });
    expect(response.status).toBe("rejected");
    expect(response.results[0]?.status).toBe("skipped");
    expect(response.results[1]).toMatchObject({ id: rec.id, status: "conflict", version: 2 });
    expect(response.results[1]?.conflict).toEqual({
      policy: "version",
      resolution: "server_wins",
      fields: ["activities", "title"],
      base_version: 1,
      server_version: 2,
      server_data: { title: "v2", activities: [{ a: 1 }] },
      client_data: noot("stale"),
      deleted: false,
    });
    expect(stable(await snapshotTables(server.db.prisma), response.batch_id)).toEqual(stable(before));
  });

  it("describes committed server state, never an earlier item's uncommitted write, when it rejects", async () => {
    const d = await device("atomic-same-record");
    const rec = await createRecord(d, "noot", noot("v1"));
    const before = await snapshotTables(server.db.prisma);
    // Two edits of one record, both based on version 1: the second meets the first's staged write.
    const response = await push(d, [
      { type: "noot", action: "update", id: rec.id, base_version: 1, data: noot("first edit") },
      { type: "noot", action: "update", id: rec.id, base_version: 1, data: noot("second edit") },
    ], { mode: "atomic" });
    expect(response.status).toBe("rejected");
    expect(response.results[0]?.status).toBe("skipped");
    expect(response.results[1]).toMatchObject({ id: rec.id, status: "conflict", version: 1 });
    expect(response.results[1]?.conflict).toEqual({
      policy: "version",
      resolution: "server_wins",
      fields: ["title"],
      base_version: 1,
      server_version: 1,
      server_data: noot("v1"),
      client_data: noot("second edit"),
      deleted: false,
    });
    expect(stable(await snapshotTables(server.db.prisma), response.batch_id)).toEqual(stable(before));
    // A client that adopts server_data holds version 1, and its next edit on it applies.
    const next = await push(d, [{ type: "noot", action: "update", id: rec.id, base_version: 1, data: noot("after adopting") }]);
    expect(next.results[0]).toMatchObject({ status: "ok", version: 2 });
  });

  it("reports server_data null and deleted true against a tombstone, with no conflict_id and no stored conflict", async () => {
    const d = await device("atomic-deleted");
    const rec = await createRecord(d, "meter", meter("M-1", 1));
    await push(d, [{ type: "meter", action: "delete", id: rec.id, base_version: 1 }]);
    const before = await snapshotTables(server.db.prisma);
    const response = await push(d, [{ type: "meter", action: "update", id: rec.id, base_version: 1, data: meter("M-1", 2) }], { mode: "atomic" });
    expect(response.status).toBe("rejected");
    const conflict = response.results[0]?.conflict;
    expect(response.results[0]?.status).toBe("conflict");
    expect(conflict).toMatchObject({ policy: "manual", base_version: 1, server_version: 2, server_data: null, deleted: true });
    expect(conflict?.client_data).toEqual(meter("M-1", 2));
    expect(conflict).not.toHaveProperty("conflict_id");
    expect(await server.db.prisma.conflict.count({ where: { recordId: rec.id } })).toBe(0);
    expect(stable(await snapshotTables(server.db.prisma), response.batch_id)).toEqual(stable(before));
  });

  it("gives five concurrent retries of a rejected atomic push one stored answer", async () => {
    const d = await device("atomic-concurrent");
    const body = pushBody(d, [
      { type: "memo", action: "create", data: memo("would be new") },
      { type: "memo", action: "update", id: "missing", data: memo("x") },
    ], { mode: "atomic" });
    const answers = await Promise.all(Array.from({ length: 5 }, () => postPush(d, body)));
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual(answers[0]?.body);
    }
    const first = bodyOf(answers[0] ?? { body: null }, ZPushResponse);
    expect(first.status).toBe("rejected");
    const batches = await server.db.prisma.syncBatch.findMany({ where: { userId: d.userId } });
    expect(batches.map((b) => [b.id, b.status])).toEqual([[first.batch_id, "rejected"]]);
    expect(await server.db.prisma.record.count({ where: { stream: `user:${d.userId}` } })).toBe(0);
  });

  it("commits every item when all are ok", async () => {
    const d = await device("atomic-ok");
    const response = await push(d, [
      { type: "memo", action: "create", client_temp_id: "a", data: memo("a") },
      { type: "memo", action: "update", id: "a", base_version: 1, data: memo("a2") },
    ], { mode: "atomic" });
    expect(response.status).toBe("applied");
    expect(response.results.map((r) => [r.status, r.version])).toEqual([["ok", 1], ["ok", 2]]);
    const records = await server.db.prisma.record.findMany({ where: { stream: `user:${d.userId}` } });
    expect(records.map((r) => [r.version, r.data])).toEqual([[2, memo("a2")]]);
  });
});
