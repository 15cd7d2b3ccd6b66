// commitBundle (server/sync/commit-bundle.ts), the one way to write the change log: the bundle and
// the work's other writes commit together, or nothing does; heads are announced only after commit.
import { afterEach, beforeEach, expect, it } from "vitest";
import { sqlOf } from "@/server/db/sql";
import { subscribe, type Heads } from "@/server/live/hub";
import { metrics } from "@/server/metrics/registry";
import { commitBundle } from "@/server/sync/commit-bundle";
import { commitRecordChange } from "@/server/sync/records";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

let db: TestDatabase;
let heard: Heads[];
let unsubscribe: () => void;
const stream = "user:bundler";

beforeEach(async () => {
  db = await createTestDatabase();
  heard = [];
  unsubscribe = subscribe([stream], (heads) => heard.push(heads));
});
afterEach(async () => {
  unsubscribe();
  await db.close();
});

const memo = (content: string) => ({ content, tags: [], pinned: false });

async function state() {
  const sql = sqlOf(db.prisma);
  return {
    records: await sql<{ id: string; version: number }>("SELECT id, version FROM records WHERE stream = $1 ORDER BY id", [stream]),
    seqs: (await sql<{ seq: string }>("SELECT seq::text FROM changes WHERE stream = $1 ORDER BY seq", [stream])).map((r) => Number(r.seq)),
    head: Number((await sql<{ head: string }>("SELECT head_seq::text AS head FROM streams WHERE name = $1", [stream]))[0]?.head ?? -1),
    audit: (await sql("SELECT id FROM audit_log WHERE action = 'test.bundle'")).length,
  };
}

/** Stages `ids` as new memos and writes one audit row through the transaction's own `sql`. */
const stageMemos = (ids: string[]) => async (tx: Parameters<Parameters<typeof commitBundle>[2]>[0]) => {
  const bundle = await tx.open([stream], { batchId: null, source: { kind: "staff", id: "test" } });
  for (const id of ids) commitRecordChange(bundle, { stream, type: "memo", id }, null, { op: "upsert", data: memo(id), updatedAt: new Date() });
  await tx.sql("INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id) VALUES ('system', 't', 'test.bundle', 'x', 'y')");
  return bundle;
};

it("commits the staged records, changes and head with the work's other writes, then announces the head", async () => {
  const before = await metrics().bundles.get();
  const countOf = (values: typeof before.values) => values.find((v) => v.labels.writer === "restore")?.value ?? 0;
  const value = await commitBundle(db.prisma, "restore", async (tx) => {
    await stageMemos(["a", "b"])(tx);
    expect(heard).toEqual([]); // nothing is announced before commit
    return "done";
  });
  expect(value).toBe("done");
  expect(await state()).toEqual({ records: [{ id: "a", version: 1 }, { id: "b", version: 1 }], seqs: [1, 2], head: 2, audit: 1 });
  expect(heard).toEqual([{ [stream]: 2 }]);
  expect(countOf((await metrics().bundles.get()).values)).toBe(countOf(before.values) + 1);
});

it("rolls back the bundle and every other write when the work throws, and announces nothing", async () => {
  await commitBundle(db.prisma, "restore", (tx) => stageMemos(["kept"])(tx));
  heard = [];
  const before = await state();
  await expect(commitBundle(db.prisma, "restore", async (tx) => {
    await stageMemos(["lost"])(tx);
    throw new Error("work failed");
  })).rejects.toThrow("work failed");
  expect(await state()).toEqual(before);
  expect(heard).toEqual([]);
});

it("writes no change for a discarded bundle but keeps the work's other writes", async () => {
  await commitBundle(db.prisma, "restore", async (tx) => {
    const bundle = await stageMemos(["discarded"])(tx);
    bundle.discard();
  });
  expect(await state()).toEqual({ records: [], seqs: [], head: 0, audit: 1 });
  expect(heard).toEqual([]);
});

it("gives concurrent bundles on one stream consecutive seqs, each bundle's seqs together", async () => {
  await Promise.all(["p", "q", "r"].map((prefix) => commitBundle(db.prisma, "restore", (tx) => stageMemos([`${prefix}1`, `${prefix}2`])(tx))));
  const changes = await sqlOf(db.prisma)<{ seq: string; record_id: string }>(
    "SELECT seq::text, record_id FROM changes WHERE stream = $1 ORDER BY seq", [stream]);
  expect(changes.map((c) => Number(c.seq))).toEqual([1, 2, 3, 4, 5, 6]);
  for (let i = 0; i < 6; i += 2) expect(changes[i]?.record_id.slice(0, 1)).toBe(changes[i + 1]?.record_id.slice(0, 1));
});

it("refuses to open a second bundle in one transaction, writing nothing", async () => {
  await expect(commitBundle(db.prisma, "restore", async (tx) => {
    await stageMemos(["once"])(tx);
    await tx.open([stream], { batchId: null, source: { kind: "staff", id: "test" } });
  })).rejects.toThrow(/opened once/);
  expect(await state()).toMatchObject({ records: [], seqs: [], audit: 0 });
});
