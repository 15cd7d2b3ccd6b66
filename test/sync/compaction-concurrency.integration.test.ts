// Compaction under real concurrency (issue 5's acceptance; research/scenarios.md "a concurrent
// compaction never mixes in", "a snapshot in progress stays readable while compaction runs"):
// compaction runs again and again while writers push to a shared stream, a device pulls and acks,
// a device pulls without ever acking (so compaction keeps overtaking it), and a device bootstraps.
// Every delivery is checked as it arrives (no lost or repeated change, no torn page) and every
// device ends equal to the server. On PostgreSQL these are truly parallel transactions.
import { afterEach, beforeEach, expect, it } from "vitest";
import { compactStreams } from "@/server/compaction/compact";
import { ZErrorBody, type TChange, type TPushItem, ZAckResponse, ZPullResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { DeliveryLog, expireBootstrapHolds, streamState, testPolicy } from "../support/history";
import { Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, memo, okBody, push } from "../support/sync-client";

const STREAM = "org:c";
const WRITERS = 4;
const BUNDLES = 5;
const MAX_BOOTSTRAPS = 50;

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

type PullPage = { token: string; changes: TChange[]; more: boolean };

/** Bundle `b` of a writer: two creates, an update of the previous bundle's first record and a
 *  delete of its second, so the log holds every op and compaction purges tombstones. */
function bundle(user: string, b: number): TPushItem[] {
  const id = (bundleIndex: number, i: number) => `${user}-${bundleIndex}-${i}`;
  const items: TPushItem[] = [0, 1].map((i) => ({ type: "memo", id: id(b, i), stream: STREAM, action: "create", data: memo(`${user} ${b} ${i}`) }));
  if (b > 0) {
    items.push({ type: "memo", id: id(b - 1, 0), stream: STREAM, action: "update", base_version: 1, data: memo("edited") });
    items.push({ type: "memo", id: id(b - 1, 1), stream: STREAM, action: "delete", base_version: 1 });
  }
  return items;
}

/** A device's local state: replica, delivery log and token, rebuilt by each bootstrap. */
class Follower {
  replica = new Replica();
  log = new DeliveryLog();
  token = "";
  bootstraps = 0;
  refusals = 0;

  constructor(
    readonly device: TestDevice,
    private readonly options: { ack: boolean; releaseHold: boolean; limit: number; afterPage?: () => Promise<void> },
  ) {}

  async bootstrap(): Promise<void> {
    if (++this.bootstraps > MAX_BOOTSTRAPS) throw new Error(`${this.device.userId}: bootstrapped ${MAX_BOOTSTRAPS} times`);
    this.replica = new Replica();
    const { pages, token } = await bootstrapAll(this.device, { limit: this.options.limit });
    pages.forEach((items) => this.replica.applyRecords(items));
    this.token = token;
    this.log.startAt(token);
    // A device that bootstrapped a day ago and never acked: nothing holds compaction for it.
    if (this.options.releaseHold) await expireBootstrapHolds(server.db.prisma, this.device);
  }

  /** One pull page; a 412 compacted sends the device back to bootstrap. Returns `more`. */
  async pullOnce(): Promise<boolean> {
    const answer = await this.device.call("POST", "/api/v1/sync/pull", { token: this.token, limit: 5 });
    if (answer.status === 412) {
      const reason = ZErrorBody.parse(answer.body).error.details?.reason;
      if (reason !== "compacted") throw new Error(`unexpected 412 ${String(reason)}`);
      this.refusals += 1;
      await this.bootstrap();
      return true;
    }
    const page = okBody(answer, ZPullResponse, "pull");
    this.log.accept(page.changes);
    this.replica.applyChanges(page.changes);
    this.token = page.token;
    if (this.options.ack) okBody(await this.device.call("POST", "/api/v1/sync/ack", { device_id: this.device.deviceId, token: page.token }), ZAckResponse, "ack");
    await this.options.afterPage?.();
    return page.more;
  }

  /** Pulls until writing has stopped and a page says there is no more. */
  async follow(isWriting: () => boolean): Promise<void> {
    for (;;) {
      const stillWriting = isWriting(); // read before the pull: a page after the last commit must follow
      const more = await this.pullOnce();
      if (!stillWriting && !more) return;
    }
  }
}

it("loses, repeats and tears nothing while compaction runs among pushes, pulls and a bootstrap", async () => {
  const db = server.db.prisma;
  const policy = testPolicy({ retentionMs: 0, batchSize: 4 }); // everything committed is old enough
  const writers = await Promise.all(Array.from({ length: WRITERS }, (_, i) => makeDevice(server.url, `w${i}`, { streams: [STREAM] })));
  let writing = true;
  const isWriting = () => writing;
  // The drifter lets a compaction run pass after each of its pages, so the others get ahead of it
  // and compaction keeps deleting what it is about to read.
  let compactionRan: () => void = () => {};
  const nextCompaction = () => (writing ? new Promise<void>((resolve) => (compactionRan = resolve)) : Promise.resolve());
  const acker = new Follower(await makeDevice(server.url, "acker", { streams: [STREAM] }), { ack: true, releaseHold: false, limit: 4 });
  const drifter = new Follower(await makeDevice(server.url, "drifter", { streams: [STREAM] }), {
    ack: false, releaseHold: true, limit: 2, afterPage: nextCompaction,
  });
  const late = new Follower(await makeDevice(server.url, "late", { streams: [STREAM] }), { ack: true, releaseHold: false, limit: 3 });
  await push(writers[0] as TestDevice, 100, bundle("seed", 0));
  await acker.bootstrap();
  await drifter.bootstrap();

  const writes = Promise.all(
    writers.map(async (writer) => {
      for (let b = 0; b < BUNDLES; b++) {
        const response = await push(writer, b + 1, bundle(writer.userId, b));
        if (response.status !== "applied") throw new Error(`bundle ${b} of ${writer.userId}: ${response.status}`);
      }
    }),
  ).finally(() => {
    writing = false;
    compactionRan();
  });
  const compaction = (async () => {
    let runs = 0;
    let deleted = 0;
    while (writing) {
      deleted += (await compactStreams(db, policy, new Date())).changesDeleted;
      runs += 1;
      compactionRan();
    }
    return { runs, deleted };
  })();
  const lateJoin = (async () => {
    await late.bootstrap(); // pages while writers push and compaction deletes
    await late.follow(isWriting);
  })();

  const results = await Promise.allSettled([writes, compaction, acker.follow(isWriting), drifter.follow(isWriting), lateJoin]);
  for (const result of results) if (result.status === "rejected") throw result.reason;
  const compacted = await compaction;

  // One more bundle that the acking devices take and the drifter does not, then a compaction:
  // it passes the drifter for sure, whose next pull is a 412; then everyone catches up.
  await push(writers[0] as TestDevice, 101, bundle("last", 0));
  for (const follower of [acker, late]) await follower.follow(() => false);
  await compactStreams(db, policy, new Date());
  for (const follower of [acker, drifter, late]) await follower.follow(() => false);

  // Compaction really ran among the writes and deleted history while devices read.
  expect(compacted.runs).toBeGreaterThan(1);
  expect(compacted.deleted).toBeGreaterThan(0);
  const state = await streamState(db, STREAM);
  expect(state.compactedUntil).toBeGreaterThan(0);
  expect(state.seqs).toEqual(Array.from({ length: state.head - state.compactedUntil }, (_, i) => state.compactedUntil + i + 1));
  // The devices whose checkpoint or bootstrap held compaction back were never sent to bootstrap.
  expect([acker.refusals, late.refusals]).toEqual([0, 0]);
  expect([acker.bootstraps, late.bootstraps]).toEqual([1, 1]);
  // The drifter was overtaken and came back through a bootstrap, losing nothing.
  expect(drifter.refusals).toBeGreaterThanOrEqual(1);
  expect(drifter.bootstraps).toBe(drifter.refusals + 1);
  for (const follower of [acker, drifter, late]) {
    expect(follower.replica.summary()).toEqual(await serverSummary(db, [STREAM, `user:${follower.device.userId}`]));
  }
  expect(acker.replica.rows.size).toBe(4 + WRITERS * (BUNDLES + 1));
}, 180_000); // many HTTP round trips; the embedded database runs them one at a time
