// The compaction rules (docs/protocol.md "Compaction") on the database: what is eligible, who
// holds it back, what the hold cap and the count limit do, tombstones, live records, batches.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeDevice, type TestDevice } from "@/test/support/device";
import { ageChanges, compact, deviceRefOf, setCheckpoint, streamState, testPolicy } from "@/test/support/history";
import { startTestServer, type TestServer } from "@/test/support/server";
import { memo, memoCreates, push } from "@/test/support/sync-client";
import { compactionPolicy } from "@/server/compaction/policy";

const STREAM = "user:alice";

let server: TestServer;
let writer: TestDevice;

beforeEach(async () => {
  server = await startTestServer();
  writer = await makeDevice(server.url, "alice");
});
afterEach(() => server.close());

const db = () => server.db.prisma;
const device = (): Promise<TestDevice> => makeDevice(server.url, "alice");

describe("holds", () => {
  it("never passes the checkpoint of a device that acked within the window; a silent, revoked or already lost device holds nothing", async () => {
    await push(writer, 1, memoCreates(10, "m"));
    await ageChanges(db(), STREAM, 40);
    const [recent, silent, revoked, lost] = [await device(), await device(), await device(), await device()];
    for (const d of [recent, silent, revoked, lost]) await d.call("POST", "/api/v1/sync/bootstrap", { device_id: d.deviceId });
    await db().bootstrapHold.deleteMany({}); // these bootstraps are long over
    await setCheckpoint(db(), recent, STREAM, 4, 29);
    await setCheckpoint(db(), silent, STREAM, 2, 31);
    await setCheckpoint(db(), revoked, STREAM, 1, 0);
    await db().device.update({ where: { id: await deviceRefOf(db(), revoked) }, data: { revokedAt: new Date() } });

    expect(await compact(db())).toMatchObject({ streamsCompacted: 1, changesDeleted: 4 });
    expect(await streamState(db(), STREAM)).toMatchObject({ compactedUntil: 4, seqs: [5, 6, 7, 8, 9, 10] });

    // A device acking below the point is lost already (its next pull is a 412): it holds nothing,
    // so it cannot pin the stream. The recent device still holds at 4.
    await setCheckpoint(db(), lost, STREAM, 3, 0);
    expect(await compact(db())).toMatchObject({ streamsCompacted: 0, changesDeleted: 0 });
    expect((await streamState(db(), STREAM)).compactedUntil).toBe(4);

    // Once the recent device has been silent past the window too, everything old goes.
    await setCheckpoint(db(), recent, STREAM, 4, 31);
    expect(await compact(db())).toMatchObject({ streamsCompacted: 1, changesDeleted: 6 });
    expect(await streamState(db(), STREAM)).toEqual({ head: 10, compactedUntil: 10, seqs: [] });
  });

  it("lets COMPACTION_MAX_DEVICE_HOLD_DAYS release a device silent that long, even inside the retention window", async () => {
    await push(writer, 1, memoCreates(10, "m"));
    await ageChanges(db(), STREAM, 40);
    const [quiet, busy] = [await device(), await device()];
    await setCheckpoint(db(), quiet, STREAM, 3, 10);
    await setCheckpoint(db(), busy, STREAM, 6, 2);
    const config = { COMPACTION_RETENTION_DAYS: 30, COMPACTION_MAX_CHANGES_PER_STREAM: 1_000_000 };

    // Without the cap, the device that acked 10 days ago holds (10 < 30)...
    await compact(db(), { ...compactionPolicy({ ...config, COMPACTION_MAX_DEVICE_HOLD_DAYS: undefined }), batchSize: 4 });
    expect((await streamState(db(), STREAM)).compactedUntil).toBe(3);
    // ...with a 7-day cap it no longer does; the device seen 2 days ago still does.
    await compact(db(), { ...compactionPolicy({ ...config, COMPACTION_MAX_DEVICE_HOLD_DAYS: 7 }), batchSize: 4 });
    expect(await streamState(db(), STREAM)).toMatchObject({ compactedUntil: 6, seqs: [7, 8, 9, 10] });
  });
});

describe("what goes", () => {
  it("keeps only changes inside the retention window", async () => {
    await push(writer, 1, memoCreates(4, "old"));
    await push(writer, 2, memoCreates(3, "new"));
    await ageChanges(db(), STREAM, 29); // 29 days: still inside the window
    await ageChanges(db(), STREAM, 31, 4);

    await compact(db());
    expect(await streamState(db(), STREAM)).toEqual({ head: 7, compactedUntil: 4, seqs: [5, 6, 7] });
  });

  it("keeps at most COMPACTION_MAX_CHANGES_PER_STREAM changes, young ones too, and still under the holds", async () => {
    await push(writer, 1, memoCreates(20, "m"));
    const reader = await device();
    await setCheckpoint(db(), reader, STREAM, 12, 0);

    await compact(db(), testPolicy({ maxChangesPerStream: 5 }));
    expect((await streamState(db(), STREAM)).compactedUntil).toBe(12);

    await setCheckpoint(db(), reader, STREAM, 20, 0);
    await compact(db(), testPolicy({ maxChangesPerStream: 5 }));
    expect(await streamState(db(), STREAM)).toMatchObject({ compactedUntil: 15, seqs: [16, 17, 18, 19, 20] });
  });

  it("purges the tombstones at or below the point and never touches a live record", async () => {
    await push(writer, 1, memoCreates(6, "m")); // 1-6
    await push(writer, 2, [
      { type: "memo", id: "m-0", action: "delete", base_version: 1 }, // 7
      { type: "memo", id: "m-1", action: "update", base_version: 1, data: memo("kept") }, // 8
      { type: "memo", id: "m-2", action: "delete", base_version: 1 }, // 9
    ]);
    await push(writer, 3, [{ type: "memo", id: "m-3", action: "delete", base_version: 1 }]); // 10
    await ageChanges(db(), STREAM, 40, 9);
    const live = () => db().$queryRaw<{ row: string }[]>`SELECT row_to_json(r)::text AS row FROM records r WHERE NOT deleted ORDER BY id`;
    const before = await live();

    expect(await compact(db())).toMatchObject({ changesDeleted: 9, tombstonesPurged: 2 });
    const records = await db().record.findMany({ select: { id: true, deleted: true }, orderBy: { id: "asc" } });
    expect(records).toEqual([
      { id: "m-1", deleted: false },
      { id: "m-3", deleted: true },
      { id: "m-4", deleted: false },
      { id: "m-5", deleted: false },
    ]);
    expect(await live()).toEqual(before);
  });

  it("compacts one stream when asked, and leaves the others alone", async () => {
    const bob = await makeDevice(server.url, "bob");
    await push(writer, 1, memoCreates(3, "a"));
    await push(bob, 1, memoCreates(3, "b"));
    await ageChanges(db(), STREAM, 40);
    await ageChanges(db(), "user:bob", 40);

    expect(await compact(db(), testPolicy(), { stream: "user:bob" })).toMatchObject({ streamsChecked: 1, streamsCompacted: 1 });
    expect((await streamState(db(), "user:bob")).seqs).toEqual([]);
    expect((await streamState(db(), STREAM)).seqs).toEqual([1, 2, 3]);
  });
});

describe("batches", () => {
  it("deletes in bounded batches and finishes the deletes of an interrupted run", async () => {
    await push(writer, 1, memoCreates(10, "m"));
    await push(writer, 2, memoCreates(3, "n"));
    await ageChanges(db(), STREAM, 40, 10);
    // A run that advanced the point to 8 and stopped before deleting anything.
    await db().stream.update({ where: { name: STREAM }, data: { compactedUntilSeq: 8n } });

    const summary = await compact(db(), testPolicy({ batchSize: 3 }));
    expect(summary.streams).toEqual([{ stream: STREAM, from: 8, to: 10, changesDeleted: 10, tombstonesPurged: 0 }]);
    expect(await streamState(db(), STREAM)).toEqual({ head: 13, compactedUntil: 10, seqs: [11, 12, 13] });
  });

  it("has nothing to do on a stream whose history is young and short", async () => {
    await push(writer, 1, memoCreates(5, "m"));
    expect(await compact(db())).toEqual({
      streamsChecked: 1, streamsCompacted: 0, changesDeleted: 0, tombstonesPurged: 0, expiredBootstrapHolds: 0, feedEventsPruned: 0, streams: [],
    });
    expect(await streamState(db(), STREAM)).toEqual({ head: 5, compactedUntil: 0, seqs: [1, 2, 3, 4, 5] });
  });
});
