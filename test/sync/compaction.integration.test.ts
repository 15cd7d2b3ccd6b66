// Compaction as devices see it (docs/protocol.md "Compaction"; issue 5's acceptance): an old token
// gets 412 compacted and the device converges after a bootstrap; a device that acked recently, or
// is bootstrapping, keeps pulling; tombstones go, live records stay; a pull racing a compaction is
// refused rather than delivered with a hole.
import { afterEach, beforeEach, expect, it } from "vitest";
import { attachEngine, engineOf, type Sql, type SqlOptions } from "@/server/db/sql";
import { ensureDevice } from "@/server/devices/register";
import { env } from "@/server/env";
import { pullChanges } from "@/server/sync/pull";
import { openPullToken } from "@/server/sync/tokens";
import { makeDevice, type TestDevice } from "../support/device";
import { ageChanges, compact, DeliveryLog, expireBootstrapHolds, streamState, testPolicy } from "../support/history";
import { Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, freshToken, memo, memoCreates, pullAll, push } from "../support/sync-client";

const STREAM = "user:alice";

let server: TestServer;
let writer: TestDevice;

beforeEach(async () => {
  server = await startTestServer();
  writer = await makeDevice(server.url, "alice");
});
afterEach(() => server.close());

const ack = (device: TestDevice, token: string) => device.call("POST", "/api/v1/sync/ack", { device_id: device.deviceId, token });
const pull = (device: TestDevice, token: string) => device.call("POST", "/api/v1/sync/pull", { token });

/** Bootstraps `device` to the end and pulls after it: a replica of everything the server has. */
async function bootstrapReplica(device: TestDevice): Promise<{ replica: Replica; token: string }> {
  const replica = new Replica();
  const { pages, token } = await bootstrapAll(device, { limit: 4 });
  pages.forEach((items) => replica.applyRecords(items));
  const pulled = await pullAll(device, token);
  pulled.pages.forEach((page) => replica.applyChanges(page.changes));
  return { replica, token: pulled.token };
}

it("sends an old token 412 compacted, and the device converges after bootstrap; a device that acked recently keeps pulling", async () => {
  const active = await makeDevice(server.url, "alice");
  const stale = await makeDevice(server.url, "alice");
  const staleToken = await freshToken(stale); // position 0, never acked
  const activeStart = await bootstrapReplica(active);

  await push(writer, 1, memoCreates(6, "m")); // seqs 1-6
  await push(writer, 2, [
    { type: "memo", id: "m-0", action: "update", base_version: 1, data: memo("m 0 edited") }, // 7
    { type: "memo", id: "m-1", action: "delete", base_version: 1 }, // 8
  ]);
  const caughtUp = await pullAll(active, activeStart.token);
  caughtUp.pages.forEach((page) => activeStart.replica.applyChanges(page.changes));
  const acked = await ack(active, caughtUp.token);
  expect(acked.body).toEqual({ acked: true, checkpoint: { [STREAM]: 8 } });

  await push(writer, 3, [{ type: "memo", id: "m-2", action: "delete", base_version: 1 }, ...memoCreates(2, "late")]); // 9-11
  await ageChanges(server.db.prisma, STREAM, 40);
  await expireBootstrapHolds(server.db.prisma);

  const summary = await compact(server.db.prisma);

  // Everything is old, but the active device acked at 8: history stops there.
  expect(summary).toMatchObject({ streamsCompacted: 1, changesDeleted: 8, tombstonesPurged: 1 });
  const state = await streamState(server.db.prisma, STREAM);
  expect(state).toEqual({ head: 11, compactedUntil: 8, seqs: [9, 10, 11] });
  // The tombstone of m-1 (deleted at 8) is purged; m-2's (deleted at 9, above the point) stays.
  const tombstones = await server.db.prisma.record.findMany({ where: { deleted: true }, select: { id: true }, orderBy: { id: "asc" } });
  expect(tombstones.map((r) => r.id)).toEqual(["m-2"]);

  // The active device pulls on without a bootstrap, and ends equal to the server.
  const next = await pullAll(active, caughtUp.token);
  expect(next.pages.flatMap((p) => p.changes.map((c) => c.seq))).toEqual([9, 10, 11]);
  next.pages.forEach((page) => activeStart.replica.applyChanges(page.changes));
  expect(activeStart.replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM]));

  // The stale device is told to bootstrap, on pull and on ack, and converges when it does.
  const refused = await pull(stale, staleToken);
  expect(refused.status).toBe(412);
  expect(refused.body).toEqual({
    error: { code: "bootstrap_required", message: expect.any(String), details: { reason: "compacted", bootstrap_url: "/api/v1/sync/bootstrap" } },
  });
  expect((await ack(stale, staleToken)).status).toBe(412);
  const rebuilt = await bootstrapReplica(stale);
  expect(rebuilt.replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM]));
  expect(rebuilt.replica.rows.size).toBe(6);
});

it("holds back for a bootstrap in progress: its pages and its final token stay usable", async () => {
  await push(writer, 1, memoCreates(10, "m")); // 1-10
  const reader = await makeDevice(server.url, "alice");
  const replica = new Replica();
  const { token } = await bootstrapAll(reader, { limit: 3 }, async (page, index) => {
    replica.applyRecords(page.items);
    if (index !== 0) return;
    // Mid-bootstrap: more writes, all history ages past the window, and compaction runs.
    await push(writer, 2, [{ type: "memo", id: "m-0", action: "update", base_version: 1, data: memo("new") }, ...memoCreates(3, "n")]); // 11-14
    await ageChanges(server.db.prisma, STREAM, 40);
    await compact(server.db.prisma);
  });

  expect(await streamState(server.db.prisma, STREAM)).toMatchObject({ compactedUntil: 10, seqs: [11, 12, 13, 14] });
  const pulled = await pullAll(reader, token);
  pulled.pages.forEach((page) => replica.applyChanges(page.changes));
  expect(replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM]));

  // Once the device acks, its checkpoint holds instead of the snapshot, and compaction moves on.
  await ack(reader, pulled.token);
  await compact(server.db.prisma);
  expect(await streamState(server.db.prisma, STREAM)).toMatchObject({ compactedUntil: 14, seqs: [] });
});

/** `db` whose engine runs `after` once, right after the first statement that reads compaction points. */
function racingClient(db: TestServer["db"]["prisma"], after: () => Promise<unknown>) {
  const racing = Object.create(db) as typeof db;
  const engine = engineOf(db);
  const state = { ran: false };
  const sql: Sql = async <T>(text: string, params?: readonly unknown[], options?: SqlOptions) => {
    const rows = await engine.sql<T>(text, params, options);
    if (!state.ran && text.includes("compacted_until_seq")) {
      state.ran = true;
      await after();
    }
    return rows;
  };
  attachEngine(racing, { ...engine, sql });
  return { racing, state };
}

async function compactableHistory(): Promise<{ reader: TestDevice; token: string }> {
  const reader = await makeDevice(server.url, "alice");
  const token = await freshToken(reader); // position 0: the snapshot was empty
  await push(writer, 1, memoCreates(5, "old")); // 1-5
  await push(writer, 2, memoCreates(5, "m")); // 6-10
  await ageChanges(server.db.prisma, STREAM, 40, 5);
  await expireBootstrapHolds(server.db.prisma);
  return { reader, token };
}

it("delivers a page whole when compaction commits right after the page's statement (the check and the read share one snapshot)", async () => {
  const { reader, token } = await compactableHistory();
  const db = server.db.prisma;
  const { racing, state } = racingClient(db, () => compact(db));
  const device = await ensureDevice(db, { userId: "alice", streams: [STREAM] }, reader.deviceId);

  const page = await pullChanges(racing, device, openPullToken(env().syncTokenSecret, token), 100);
  expect(state.ran).toBe(true);
  expect(await streamState(db, STREAM)).toMatchObject({ compactedUntil: 5, seqs: [6, 7, 8, 9, 10] });
  // Read before compaction deleted anything: no hole, and its position (10) is past the point.
  expect(page.changes.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const next = await pull(reader, page.token);
  expect(next.status).toBe(200);
  expect(next.body).toMatchObject({ changes: [], more: false });
});

it("refuses a pull page that a compaction raced, instead of delivering it with a hole", async () => {
  const { reader, token } = await compactableHistory();
  // Two streams: the first in name order is read with the check; the compaction of the second
  // commits after that statement and before the second stream's own read.
  const db = server.db.prisma;
  const { racing, state } = racingClient(db, () => compact(db));
  const device = await ensureDevice(db, { userId: "alice", streams: ["aaa:quiet", STREAM] }, reader.deviceId);

  await expect(pullChanges(racing, device, openPullToken(env().syncTokenSecret, token), 100)).rejects.toMatchObject({
    code: "bootstrap_required",
    details: { reason: "compacted", bootstrap_url: "/api/v1/sync/bootstrap" },
  });
  expect(state.ran).toBe(true);
  expect(await streamState(db, STREAM)).toMatchObject({ compactedUntil: 5, seqs: [6, 7, 8, 9, 10] });
});

it("delivers every change exactly once to a device that keeps acking while compaction runs between its pulls", async () => {
  const reader = await makeDevice(server.url, "alice");
  let token = await freshToken(reader);
  const log = new DeliveryLog();
  log.startAt(token);
  const replica = new Replica();
  for (let round = 1; round <= 4; round++) {
    await push(writer, round, memoCreates(5, `r${round}`));
    const page = await pullAll(reader, token, 3);
    page.pages.forEach((p) => {
      log.accept(p.changes);
      replica.applyChanges(p.changes);
    });
    token = page.token;
    expect((await ack(reader, token)).status).toBe(200);
    await ageChanges(server.db.prisma, STREAM, 40);
    await compact(server.db.prisma, testPolicy());
    expect((await streamState(server.db.prisma, STREAM)).compactedUntil).toBe(round * 5);
  }
  expect(log.delivered).toBe(20);
  expect(replica.summary()).toEqual(await serverSummary(server.db.prisma, [STREAM]));
});
