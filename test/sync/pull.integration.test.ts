// Pull over real HTTP (PROTOCOL.md "Pull", "Ack"): seq order per stream, paging with `more`,
// POST and GET alike, limits, whole bundles per page, conflict hints, and the ack checkpoint.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZPullResponse, type TChange, ZAckResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memo, memoCreates, okBody, pullAll, pullPage, push } from "../support/sync-client";
import { errorOf, invalidFieldsOf } from "../support/answers";

let server: TestServer;
let alice: TestDevice;

beforeEach(async () => {
  server = await startTestServer();
  alice = await makeDevice(server.url, "alice", { streams: ["org:x"] });
});
afterEach(() => server.close());

const seqsOf = (changes: TChange[], stream: string) => changes.filter((c) => c.stream === stream).map((c) => c.seq);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Pushes single-stream bundles of the given sizes; returns their batch ids. */
async function pushBundles(device: TestDevice, sizes: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [n, size] of sizes.entries()) ids.push((await push(device, n + 1, memoCreates(size, `b${n}`))).batch_id);
  return ids;
}

/** Writes `count` bundles of `size` memo changes straight into the change log (pushing 1,100 items
 *  would only slow the test down; the pull reads the log either way). */
async function seedBundles(stream: string, count: number, size: number): Promise<void> {
  const batchIds = Array.from({ length: count }, () => randomUUID());
  const rows = Array.from({ length: count * size }, (_, i) => ({
    stream,
    seq: BigInt(i + 1),
    type: "memo",
    recordId: `r-${i}`,
    op: "upsert",
    version: 1,
    data: memo(`r ${i}`),
    updatedAt: new Date(),
    batchId: batchIds[Math.floor(i / size)],
  }));
  await server.db.prisma.change.createMany({ data: rows });
}

describe("pull", () => {
  it("delivers every change once, in seq order per stream, paging until more is false", async () => {
    const token = await freshToken(alice);
    await push(alice, 1, memoCreates(3, "mine"));
    await push(alice, 2, [
      ...memoCreates(2, "shared", "org:x"),
      { type: "memo", id: "mine-0", action: "update", base_version: 1, data: memo("edited") },
    ]);
    await push(alice, 3, [
      { type: "memo", id: "mine-1", action: "delete", base_version: 1 },
      { type: "memo", id: "shared-0", stream: "org:x", action: "update", base_version: 1, data: memo("x") },
    ]);

    const { pages, token: last } = await pullAll(alice, token, 2);
    const changes = pages.flatMap((p) => p.changes);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.map((p) => p.more)).toEqual([...pages.slice(1).map(() => true), false]);
    expect(seqsOf(changes, "user:alice")).toEqual(range(5));
    expect(seqsOf(changes, "org:x")).toEqual(range(3));
    const summary = (stream: string) =>
      changes.filter((c) => c.stream === stream).map((c) => `${c.id} ${c.op} v${c.version}`);
    expect(summary("user:alice")).toEqual([
      "mine-0 upsert v1", "mine-1 upsert v1", "mine-2 upsert v1", "mine-0 upsert v2", "mine-1 delete v2",
    ]);
    expect(summary("org:x")).toEqual(["shared-0 upsert v1", "shared-1 upsert v1", "shared-0 upsert v2"]);
    expect(changes.find((c) => c.op === "delete")).not.toHaveProperty("data");

    const replica = new Replica();
    replica.applyChanges(changes);
    expect(replica.summary()).toEqual(await serverSummary(server.db.prisma, ["user:alice", "org:x"]));
    const again = await pullPage(alice, last);
    expect(again).toMatchObject({ changes: [], more: false });
  });

  it("answers the same pages to POST and to GET", async () => {
    const token = await freshToken(alice);
    await pushBundles(alice, [2, 2, 2, 2, 2]);
    const viaGet = async (t: string) => {
      const query = new URLSearchParams({ token: t, limit: "3" });
      return okBody(await alice.call("GET", `/api/v1/sync/pull?${query}`), ZPullResponse, "GET pull");
    };
    const post1 = await pullPage(alice, token, 3);
    const get1 = await viaGet(token);
    expect(get1.changes).toEqual(post1.changes);
    expect(get1.more).toBe(true);
    expect(post1.more).toBe(true);
    const post2 = await pullPage(alice, post1.token, 3);
    const get2 = await viaGet(get1.token);
    expect(get2.changes).toEqual(post2.changes);
    expect(post1.changes.length + post2.changes.length).toBe(4);
  });

  it("defaults limit to 200, honours up to 1000 and refuses more", async () => {
    const token = await freshToken(alice);
    await seedBundles("user:alice", 11, 100);
    expect((await pullPage(alice, token)).changes).toHaveLength(200);
    const max = await pullPage(alice, token, 1000);
    expect(max.changes).toHaveLength(1000);
    expect(max.more).toBe(true);
    expect((await pullPage(alice, token, 999)).changes).toHaveLength(900); // whole bundles only

    for (const limit of [1001, 0]) {
      const post = await alice.call("POST", "/api/v1/sync/pull", { token, limit });
      expect(post.status).toBe(400);
      expect(errorOf(post).code).toBe("invalid_request");
      expect(invalidFieldsOf(post).map((f) => f.field)).toEqual(["limit"]);
      const get = await alice.call("GET", `/api/v1/sync/pull?${new URLSearchParams({ token, limit: String(limit) })}`);
      expect(get.status).toBe(400);
    }
  });

  it("never splits a bundle: one that does not fit waits, one larger than limit comes alone", async () => {
    const token = await freshToken(alice);
    const batches = await pushBundles(alice, [3, 4, 2, 12, 1]);
    const { pages } = await pullAll(alice, token, 5);
    const layout = pages.map((p) => [...new Set(p.changes.map((c) => batches.indexOf(c.batch_id ?? "")))]);
    expect(layout).toEqual([[0], [1], [2], [3], [4]]);
    expect(pages.map((p) => p.changes.length)).toEqual([3, 4, 2, 12, 1]);
    expect(pages.map((p) => p.more)).toEqual([true, true, true, true, false]);

    const packed = await pullAll(alice, token, 7);
    const sizes = packed.pages.map((p) => p.changes.length);
    expect(sizes).toEqual([7, 2, 12, 1]); // 3+4 fill a page; 2+12 would not fit
  });

  for (const busy of [1, 5]) {
    it(`delivers a waiting stream's bundle while an earlier stream gets ${busy} change(s) per pull`, async () => {
      const bob = await makeDevice(server.url, "bob", { streams: ["org:x"] });
      let token = await freshToken(alice);
      await push(alice, 1, memoCreates(12, "big")); // user:alice, served after org:x by name
      const delivered: TChange[] = [];
      for (let round = 1; round <= 4; round++) {
        await push(bob, round, memoCreates(busy, `busy${round}`, "org:x"));
        const page = await pullPage(alice, token, 5);
        delivered.push(...page.changes);
        token = page.token;
      }
      expect(seqsOf(delivered, "user:alice")).toEqual(range(12));
      const shared = seqsOf(delivered, "org:x");
      expect(shared).toEqual(range(shared.length));
      expect(shared.length).toBeGreaterThanOrEqual(busy * 2);
    });
  }

  it("carries the conflict hint of automatic and manual resolutions", async () => {
    const bob = await makeDevice(server.url, "alice");
    const token = await freshToken(alice);
    const old = "2020-01-01T00:00:00.000Z";
    await push(alice, 1, [
      { type: "memo", id: "m", action: "create", data: memo("v1"), updated_at: old },
      { type: "meter", id: "k", action: "create", data: { code: "K", reading: 1, unit: "kWh" } },
    ]);
    await push(bob, 1, [
      { type: "memo", id: "m", action: "update", base_version: 1, data: memo("bob"), updated_at: "2020-01-02T00:00:00.000Z" },
      { type: "meter", id: "k", action: "update", base_version: 1, data: { code: "K", reading: 2, unit: "kWh" } },
    ]);
    const later = await push(alice, 2, [
      { type: "memo", id: "m", action: "update", base_version: 1, data: memo("alice"), updated_at: "2020-01-03T00:00:00.000Z" },
      { type: "meter", id: "k", action: "update", base_version: 1, data: { code: "K", reading: 3, unit: "kWh" } },
    ]);
    expect(later.results.map((r) => r.status)).toEqual(["ok", "conflict"]);
    const conflictId = later.results[1]?.conflict?.conflict_id;
    expect(conflictId).toEqual(expect.any(String));
    const resolved = await alice.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, {
      resolution: "manual_merge",
      data: { code: "K", reading: 5, unit: "kWh" },
    });
    expect(resolved.status).toBe(200);

    const changes = (await pullAll(alice, token)).pages.flatMap((p) => p.changes);
    expect(changes.map((c) => [c.id, c.version, c.conflict ?? null])).toEqual([
      ["m", 1, null],
      ["k", 1, null],
      ["m", 2, null],
      ["k", 2, null],
      ["m", 3, { fields: ["content"], reason: "client_wins" }],
      ["k", 3, { conflict_id: conflictId, fields: ["reading"], reason: "manual_merge" }],
    ]);
    expect(changes.filter((c) => c.conflict === undefined)).toHaveLength(4);
  });
});

describe("ack", () => {
  it("stores the device's checkpoint per stream and moves it forward", async () => {
    let token = await freshToken(alice);
    await push(alice, 1, [...memoCreates(3, "mine"), ...memoCreates(2, "shared", "org:x")]);
    token = (await pullAll(alice, token)).token;
    const checkpoints = async () => {
      const device = await server.db.prisma.device.findUniqueOrThrow({
        where: { userId_deviceId: { userId: "alice", deviceId: alice.deviceId } },
        select: { id: true },
      });
      const rows = await server.db.prisma.deviceCheckpoint.findMany({ where: { deviceRef: device.id }, orderBy: { stream: "asc" } });
      return rows.map((r) => [r.stream, Number(r.seq)]);
    };
    expect(await checkpoints()).toEqual([]);

    const acked = await alice.call("POST", "/api/v1/sync/ack", { device_id: alice.deviceId, token });
    expect(acked.status).toBe(200);
    expect(acked.body).toEqual({ acked: true, checkpoint: { "org:x": 2, "user:alice": 3 } });
    expect(await checkpoints()).toEqual([["org:x", 2], ["user:alice", 3]]);

    await push(alice, 2, memoCreates(4, "more"));
    token = (await pullAll(alice, token)).token;
    okBody(await alice.call("POST", "/api/v1/sync/ack", { device_id: alice.deviceId, token }), ZAckResponse, "ack");
    expect(await checkpoints()).toEqual([["org:x", 2], ["user:alice", 7]]);
  });
});
