// The change feed's 412s on both engines: a cursor whose next changes compaction deleted (or whose
// events the feed pruned) is refused with reason `compacted`, a cursor from a history the database
// no longer has (a restore) with `history_diverged`; a follower without a cursor starts at the
// oldest change kept. The newest event survives pruning, so positions never restart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlOf } from "@/server/db/sql";
import { createServiceKey } from "@/server/keys/service-keys";
import { errorOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { compact, testPolicy } from "../support/history";
import { dumpSyncState, restoreSyncState } from "../support/restore";
import { startTestServer, type TestServer } from "../support/server";
import { memoCreates, push } from "../support/sync-client";
import { feedPage, followAll, seqsOf } from "./feed-client";

let server: TestServer;
let ann: TestDevice;
let bob: TestDevice;
let key: string;

beforeEach(async () => {
  server = await startTestServer();
  ann = await makeDevice(server.url, "ann");
  bob = await makeDevice(server.url, "bob");
  ({ key } = await createServiceKey(server.db.prisma, { type: "system", id: "test" }, { name: "feed", scopes: ["read"], streams: ["*"] }));
});
afterEach(() => server.close());

const refusal = (reason: string) => ({
  error: { code: "bootstrap_required", message: expect.any(String), details: { reason, bootstrap_url: "/api/v1/server/records" } },
});
const positions = async () =>
  (await sqlOf(server.db.prisma)<{ position: string }>("SELECT position::text FROM feed_events ORDER BY position")).map((r) => Number(r.position));

describe("compaction", () => {
  it("answers 412 compacted to a cursor whose next changes were deleted; a new follower starts at the oldest kept", async () => {
    await push(ann, 1, memoCreates(2, "a")); // user:ann 1-2, position 1
    const early = await followAll(server.url, key);
    await push(bob, 1, memoCreates(1, "b")); // user:bob 1, position 2
    await push(ann, 2, memoCreates(3, "c")); // user:ann 3-5, position 3
    await push(ann, 3, memoCreates(1, "d")); // user:ann 6, position 4

    // Keep user:ann's last 2 changes: 1-4 go, so the event at position 3 is incomplete.
    const summary = await compact(server.db.prisma, testPolicy({ maxChangesPerStream: 2 }), { stream: "user:ann" });
    expect(summary).toMatchObject({ changesDeleted: 4, feedEventsPruned: 3 });
    expect(await positions()).toEqual([4]);

    const stale = await feedPage(server.url, key, { cursor: early.cursor });
    expect([stale.status, stale.body]).toEqual([412, refusal("compacted")]);
    // No cursor: after the newest incomplete event, so nothing half-delivered.
    expect(seqsOf((await followAll(server.url, key)).changes)).toEqual(["user:ann#6"]);
  });

  it("refuses a page that needs a change compaction deleted even before the feed is pruned", async () => {
    await push(ann, 1, memoCreates(2, "a"));
    const early = await followAll(server.url, key);
    await push(ann, 2, memoCreates(2, "b")); // 3-4
    // A run that advanced the point and deleted, and had not pruned the feed yet.
    await server.db.prisma.$executeRaw`UPDATE streams SET compacted_until_seq = 3 WHERE name = 'user:ann'`;
    await server.db.prisma.$executeRaw`DELETE FROM changes WHERE stream = 'user:ann' AND seq <= 3`;
    const stale = await feedPage(server.url, key, { cursor: early.cursor });
    expect([stale.status, stale.body]).toEqual([412, refusal("compacted")]);
  });

  it("keeps the newest numbered event when every change is compacted, so positions continue", async () => {
    await push(ann, 1, memoCreates(2, "a"));
    await push(ann, 2, memoCreates(2, "b"));
    const { cursor } = await followAll(server.url, key);
    await compact(server.db.prisma, testPolicy({ maxChangesPerStream: 0 }));
    expect(await positions()).toEqual([2]);
    await push(ann, 3, memoCreates(1, "c"));
    expect(seqsOf((await followAll(server.url, key, cursor)).changes)).toEqual(["user:ann#5"]);
    expect(await positions()).toEqual([2, 3]);
  });
});

describe("restore", () => {
  it("answers 412 history_diverged to a cursor from before a restore, with or without writes since", async () => {
    await push(ann, 1, memoCreates(1, "a"));
    const dump = await dumpSyncState(server.db.prisma);
    await push(ann, 2, memoCreates(2, "lost"));
    const { cursor, changes } = await followAll(server.url, key);
    expect(seqsOf(changes)).toEqual(["user:ann#1", "user:ann#2", "user:ann#3"]);
    await restoreSyncState(server.db.prisma, dump);

    const ahead = await feedPage(server.url, key, { cursor });
    expect([ahead.status, ahead.body]).toEqual([412, refusal("history_diverged")]);
    await push(bob, 1, memoCreates(1, "x")); // position 2 again, another stream
    await push(ann, 3, memoCreates(2, "new")); // user:ann 2-3 again, position 3
    const reused = await feedPage(server.url, key, { cursor });
    expect([reused.status, reused.body]).toEqual([412, refusal("history_diverged")]);
    expect(seqsOf((await followAll(server.url, key)).changes)).toEqual(["user:ann#1", "user:bob#1", "user:ann#2", "user:ann#3"]);
  });

  it("keeps following a cursor taken before the dump after a restore", async () => {
    await push(ann, 1, memoCreates(1, "a"));
    const { cursor } = await followAll(server.url, key);
    const dump = await dumpSyncState(server.db.prisma);
    await push(ann, 2, memoCreates(1, "lost"));
    await restoreSyncState(server.db.prisma, dump);
    await push(ann, 3, memoCreates(1, "kept"));
    const next = await followAll(server.url, key, cursor);
    expect(next.changes.map((c) => c.id)).toEqual(["kept-0"]);
    expect(errorOf(await feedPage(server.url, key, { cursor: "x.y" })).code).toBe("invalid_token");
  });
});
