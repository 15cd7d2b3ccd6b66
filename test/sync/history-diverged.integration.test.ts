// Issue 19's story: a database restored from a dump hands the lost seqs out again. A device whose
// position is in the lost history must be told (412 history_diverged), never answered 200 with
// nothing; the database is left as it was by the refusal, and a bootstrap brings the device back.
import { afterEach, beforeEach, expect, it } from "vitest";
import { chainHash } from "@/server/sync/fingerprint";
import { makeDevice, type TestDevice } from "../support/device";
import { ageChanges, compact, expireBootstrapHolds, streamState } from "../support/history";
import { Replica, serverSummary } from "../support/replica";
import { dumpSyncState, restoreSyncState } from "../support/restore";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, freshToken, memo, pullAll, push } from "../support/sync-client";

const STREAM = "user:alice";

let server: TestServer;
let a: TestDevice;
let b: TestDevice;

beforeEach(async () => {
  server = await startTestServer();
  a = await makeDevice(server.url, "alice");
  b = await makeDevice(server.url, "alice");
});
afterEach(() => server.close());

const create = (id: string) => ({ type: "memo", id, action: "create" as const, data: memo(id) });
const pull = (device: TestDevice, token: string) => device.call("POST", "/api/v1/sync/pull", { token });
const ack = (device: TestDevice, token: string) => device.call("POST", "/api/v1/sync/ack", { device_id: device.deviceId, token });
const diverged = {
  error: { code: "bootstrap_required", message: expect.any(String), details: { reason: "history_diverged", bootstrap_url: "/api/v1/sync/bootstrap" } },
};

/** What a refused request must leave untouched: the stream, its log, the records. */
async function databaseState() {
  const db = server.db.prisma;
  const heads = await db.stream.findMany({ orderBy: { name: "asc" }, select: { name: true, headSeq: true, headHash: true, compactedUntilSeq: true } });
  return { heads, log: await streamState(db, STREAM), records: await serverSummary(db, [STREAM]), checkpoints: await db.deviceCheckpoint.count() };
}

/** Steps 1-3 of the issue: A pushes A1, the dump, A pushes A2 and A3 and pulls, the restore. */
async function restoreAfterAPulled(): Promise<string> {
  const start = await freshToken(a);
  await freshToken(b); // both devices registered before the dump, as in the field
  await push(a, 1, [create("A1")]); // seq 1
  const dump = await dumpSyncState(server.db.prisma);
  await push(a, 2, [create("A2"), create("A3")]); // seqs 2-3
  const pulled = await pullAll(a, start);
  expect(pulled.pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual(["A1", "A2", "A3"]);
  await restoreSyncState(server.db.prisma, dump);
  return pulled.token;
}

it("answers 412 history_diverged to a token from before a restore once others reuse its seqs, and changes nothing", async () => {
  const tokenA = await restoreAfterAPulled();
  await push(b, 1, [create("B1"), create("B2")]); // seqs 2-3 again
  expect((await streamState(server.db.prisma, STREAM)).seqs).toEqual([1, 2, 3]);

  const before = await databaseState();
  const refused = await pull(a, tokenA);
  expect(refused.status).toBe(412);
  expect(refused.body).toEqual(diverged);
  expect((await ack(a, tokenA)).body).toEqual(diverged);
  expect(await databaseState()).toEqual(before);

  // A bootstraps again and holds what the server holds: A1, B1, B2.
  const replica = new Replica();
  const rebuilt = await bootstrapAll(a);
  rebuilt.pages.forEach((items) => replica.applyRecords(items));
  expect([...replica.rows.keys()].sort()).toEqual([`${STREAM}/memo/A1`, `${STREAM}/memo/B1`, `${STREAM}/memo/B2`]);
  expect(replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM]));
  // Its new token pulls on normally.
  await push(b, 2, [create("B3")]);
  const next = await pullAll(a, rebuilt.token);
  expect(next.pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual(["B3"]);
});

it("answers 412 history_diverged to a token ahead of the restored head, and changes nothing", async () => {
  const tokenA = await restoreAfterAPulled();
  const before = await databaseState();
  expect(before.log).toMatchObject({ head: 1, seqs: [1] });
  const refused = await pull(a, tokenA);
  expect(refused.status).toBe(412);
  expect(refused.body).toEqual(diverged);
  expect(await databaseState()).toEqual(before);
});

it("keeps serving a token in the history that survived the restore", async () => {
  const start = await freshToken(a);
  await push(a, 1, [create("A1")]);
  const atOne = (await pullAll(a, start)).token;
  const dump = await dumpSyncState(server.db.prisma);
  await push(a, 2, [create("A2")]);
  await restoreSyncState(server.db.prisma, dump);
  await push(b, 1, [create("B1")]); // seq 2 again: after A's position, so A simply receives it
  const next = await pullAll(a, atOne);
  expect(next.pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual(["B1"]);
});

it("refuses a bootstrap cursor whose snapshot was taken in the lost history", async () => {
  await push(a, 1, [create("A1")]);
  const dump = await dumpSyncState(server.db.prisma);
  await push(a, 2, [create("A2"), create("A3")]);
  const first = await a.call("POST", "/api/v1/sync/bootstrap", { device_id: a.deviceId, limit: 1 });
  expect(first.status).toBe(200);
  const cursor = (first.body as { cursor: string }).cursor;
  await restoreSyncState(server.db.prisma, dump);
  await push(b, 1, [create("B1"), create("B2")]);
  const before = await databaseState();
  const refused = await a.call("POST", "/api/v1/sync/bootstrap", { device_id: a.deviceId, limit: 1, cursor });
  expect(refused.status).toBe(412);
  expect(refused.body).toEqual(diverged);
  expect(await databaseState()).toEqual(before);
});

it("verifies a token kept exactly at the compaction point after that change is deleted, and refuses a diverged one there", async () => {
  const start = await freshToken(a);
  await push(a, 1, [create("A1"), create("A2")]); // 1-2
  const atTwo = (await pullAll(a, start)).token;
  await ack(a, atTwo);
  await push(b, 1, [create("B1")]); // 3
  await ageChanges(server.db.prisma, STREAM, 40);
  await expireBootstrapHolds(server.db.prisma);
  await compact(server.db.prisma);
  expect(await streamState(server.db.prisma, STREAM)).toMatchObject({ compactedUntil: 2, seqs: [3] });
  const next = await pullAll(a, atTwo);
  expect(next.pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual(["B1"]);

  // Another history with the same compaction point: the token's fingerprint is not its hash.
  await server.db.prisma.stream.update({ where: { name: STREAM }, data: { compactedHash: "another-history" } });
  expect((await pull(a, atTwo)).body).toEqual(diverged);
});

it("chains each stream's changes from its own head, across bundles and across streams in one bundle", async () => {
  const writer = await makeDevice(server.url, "alice", { streams: ["org:x"] });
  await push(writer, 1, [create("m1"), { ...create("o1"), stream: "org:x" }, create("m2"), { ...create("o2"), stream: "org:x" }]);
  await push(writer, 2, [create("m3")]);
  const db = server.db.prisma;
  for (const stream of [STREAM, "org:x"]) {
    const changes = await db.change.findMany({ where: { stream }, orderBy: { seq: "asc" } });
    const checksums = new Map((await db.record.findMany({ where: { stream } })).map((r) => [r.id, r.checksum]));
    let prev: string | null = null;
    for (const c of changes) {
      const expected = chainHash(prev, { seq: c.seq, type: c.type, id: c.recordId, op: c.op, version: c.version, checksum: checksums.get(c.recordId) ?? "" });
      expect(c.hash).toBe(expected);
      prev = expected;
    }
    expect((await db.stream.findUniqueOrThrow({ where: { name: stream } })).headHash).toBe(prev);
  }
});
