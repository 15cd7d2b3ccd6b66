// The WatermelonDB endpoints over HTTP, rule by rule of WatermelonDB's backend contract: pull
// shapes and positions, the all-or-nothing push that aborts on a record changed since the pull,
// idempotent retries and creates, and what a refused push leaves behind (nothing).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZWatermelonPullResponse } from "@/server/watermelon/schemas";
import { positionOf } from "@/server/watermelon/timestamp";
import { dumpSyncState, restoreSyncState } from "../support/restore";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { bodyOf } from "../support/answers";

let server: TestServer;
let n = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const memo = (id: string, content: string) => ({ id, content, pinned: false, tags: "[\"a\"]", _status: "created", _changed: "" });
const empty = { created: [], updated: [], deleted: [] };
const device = () => makeDevice(server.url, `wme-${++n}-${Date.now()}`);
const pull = async (d: TestDevice, lastPulledAt: number | null, migration: unknown = null) =>
  d.call("GET", `/api/v1/watermelon/sync?last_pulled_at=${lastPulledAt}&schema_version=1&migration=${encodeURIComponent(JSON.stringify(migration))}`);
const push = (d: TestDevice, lastPulledAt: number, changes: unknown) =>
  d.call("POST", `/api/v1/watermelon/sync?last_pulled_at=${lastPulledAt}`, changes);
const count = async (d: TestDevice) => ({
  records: await server.db.prisma.record.count({ where: { stream: `user:${d.userId}` } }),
  changes: await server.db.prisma.change.count({ where: { stream: `user:${d.userId}` } }),
});

describe("pull", () => {
  it("returns every live record on a first sync, then only what changed, at stream positions", async () => {
    const d = await device();
    const first = await pull(d, null);
    expect(first.status).toBe(200);
    const t0 = bodyOf(first, ZWatermelonPullResponse).timestamp;
    expect(positionOf(t0)).toEqual({ seq: 0, fp: 0 });
    expect(bodyOf(first, ZWatermelonPullResponse).changes.memos).toEqual(empty);

    expect((await push(d, t0, { memos: { ...empty, created: [memo("m1", "one"), memo("m2", "two")] } })).status).toBe(200);
    const all = await pull(d, null);
    const t2 = bodyOf(all, ZWatermelonPullResponse).timestamp;
    expect(positionOf(t2).seq).toBe(2);
    expect(bodyOf(all, ZWatermelonPullResponse).changes.memos?.created).toEqual([
      { id: "m1", content: "one", pinned: false, tags: "[\"a\"]" },
      { id: "m2", content: "two", pinned: false, tags: "[\"a\"]" },
    ]);

    const edit = { memos: { ...empty, updated: [{ ...memo("m1", "one, edited"), _status: "updated" }], deleted: ["m2"] } };
    expect((await push(d, t2, edit)).status).toBe(200);
    const since = await pull(d, t2);
    expect(since.body).toEqual({
      timestamp: expect.any(Number),
      changes: expect.objectContaining({
        memos: { created: [], updated: [{ id: "m1", content: "one, edited", pinned: false, tags: "[\"a\"]" }], deleted: ["m2"] },
        meters: empty,
      }),
    });
    const t4 = bodyOf(since, ZWatermelonPullResponse).timestamp;
    expect(positionOf(t4).seq).toBe(4);
    expect(bodyOf(await pull(d, t4), ZWatermelonPullResponse).changes.memos).toEqual(empty);
    // A timestamp issued before fingerprints (seq + 1) is still a position: the changes after seq 2.
    expect(bodyOf(await pull(d, 3), ZWatermelonPullResponse).changes.memos?.deleted).toEqual(["m2"]);
  });

  it("answers 412 history_diverged for a timestamp from a history this database no longer has (a restore)", async () => {
    const d = await device();
    await push(d, 0, { memos: { ...empty, created: [memo("m1", "x")] } });
    const dump = await dumpSyncState(server.db.prisma);
    await push(d, 0, { memos: { ...empty, created: [memo("m2", "lost")] } });
    const lost = bodyOf(await pull(d, null), ZWatermelonPullResponse).timestamp;
    await restoreSyncState(server.db.prisma, dump);
    await push(d, 0, { memos: { ...empty, created: [memo("m3", "after the restore")] } }); // seq 2 again

    expect(positionOf(lost).seq).toBe(2);
    const refused = await pull(d, lost);
    expect(refused.status).toBe(412);
    expect(refused.body).toMatchObject({ error: { code: "bootstrap_required", details: { reason: "history_diverged" } } });
    const fresh = bodyOf(await pull(d, null), ZWatermelonPullResponse);
    expect(fresh.changes.memos?.created.map((r) => r.id)).toEqual(["m1", "m3"]);
    expect((await pull(d, fresh.timestamp)).status).toBe(200);
  });

  it("sends whole tables the app added since its last sync (migration)", async () => {
    const d = await device();
    await push(d, 1, { memos: { ...empty, created: [memo("m1", "old")] }, meters: { ...empty, created: [{ id: "k1", code: "K", reading: 1, unit: "kWh" }] } });
    const migration = { from: 1, tables: ["meters", "local_only"], columns: [] };
    const answer = await pull(d, 3, migration);
    expect(answer.status).toBe(200);
    expect(bodyOf(answer, ZWatermelonPullResponse).changes.meters?.created).toEqual([{ id: "k1", code: "K", reading: 1, unit: "kWh" }]);
    expect(bodyOf(answer, ZWatermelonPullResponse).changes.memos).toEqual(empty);
    expect((await pull(d, 3, { from: 1, tables: "meters" })).status).toBe(400);
  });

  it("answers 412 for a position the server cannot serve (compacted, or ahead of it)", async () => {
    const d = await device();
    await push(d, 1, { memos: { ...empty, created: [memo("m1", "x"), memo("m2", "y")] } });
    expect((await pull(d, 9)).body).toMatchObject({ error: { code: "bootstrap_required", details: { reason: "history_diverged" } } });
    await server.db.prisma.stream.update({ where: { name: `user:${d.userId}` }, data: { compactedUntilSeq: 2n } });
    const compacted = await pull(d, 2);
    expect(compacted.status).toBe(412);
    expect(compacted.body).toMatchObject({ error: { details: { reason: "compacted" } } });
    expect((await pull(d, 3)).status).toBe(200);
  });
});

describe("push", () => {
  it("aborts with 409 when a record changed since last_pulled_at, and writes nothing", async () => {
    const d = await device();
    await push(d, 1, { memos: { ...empty, created: [memo("m1", "v1")] } });
    await push(d, 2, { memos: { ...empty, updated: [memo("m1", "v2 by another app")] } });
    const before = await count(d);
    const stale = await push(d, 2, { memos: { ...empty, created: [memo("m9", "new")], updated: [memo("m1", "v2 from a stale app")] } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: { code: "conflict", details: { table: "memos", id: "m1" } } });
    expect(await count(d)).toEqual(before);
    const record = await server.db.prisma.record.findFirstOrThrow({ where: { stream: `user:${d.userId}`, id: "m1" } });
    expect(record.data).toMatchObject({ content: "v2 by another app" });
  });

  it("applies a retried push once and answers it like the first time", async () => {
    const d = await device();
    const changes = { memos: { ...empty, created: [memo("m1", "once"), memo("m2", "twice?")] } };
    const first = await push(d, 1, changes);
    const retry = await push(d, 1, changes);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body).toEqual(first.body);
    expect(await count(d)).toEqual({ records: 2, changes: 2 });
  });

  it("updates a created record that exists, creates an updated one that does not, ignores unknown deletes", async () => {
    const d = await device();
    await push(d, 1, { memos: { ...empty, created: [memo("m1", "v1")] } });
    const answer = await push(d, 2, {
      memos: { created: [memo("m1", "v2")], updated: [memo("ghost", "appears")], deleted: ["never-existed"] },
    });
    expect(answer.status).toBe(200);
    const rows = await server.db.prisma.record.findMany({ where: { stream: `user:${d.userId}` }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.id, r.version, (r.data as { content: string }).content])).toEqual([["ghost", 1, "appears"], ["m1", 2, "v2"]]);
  });

  it("refuses an update of a record deleted on the server (409), bad data and unknown tables (400), writing nothing", async () => {
    const d = await device();
    await push(d, 1, { memos: { ...empty, created: [memo("m1", "v1")] } });
    await push(d, 2, { memos: { ...empty, deleted: ["m1"] } });
    const before = await count(d);
    expect((await push(d, 3, { memos: { ...empty, updated: [memo("m1", "back?")] } })).status).toBe(409);
    const bad = await push(d, 3, { memos: { ...empty, created: [memo("ok", "fine"), { ...memo("bad", "x"), pinned: "yes" }] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: "invalid_request", details: { fields: [{ field: "memos.bad" }] } } });
    expect((await push(d, 3, { secrets: { ...empty, created: [{ id: "s1" }] } })).status).toBe(400);
    expect((await push(d, 3, { memos: { ...empty, created: [{ id: "../etc" }] } })).status).toBe(400);
    expect(await count(d)).toEqual(before);
  });
});
