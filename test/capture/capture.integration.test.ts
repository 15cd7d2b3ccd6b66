// Deliver 2 of issue 17 on both engines: every committed INSERT, UPDATE and DELETE made by plain
// SQL on a captured table becomes one change on its row's stream, in a mirror the JavaScript
// engine would have written (checksums and fingerprints recomputed in JavaScript).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainCaptured } from "@/server/capture/sequence";
import { engineOf, sqlOf, type Sql } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { loadDemoTypes } from "../support/types";
import { changesOf, expectMirrorConsistent, setUpVisits } from "./support";

let db: TestDatabase;
let sql: Sql;
beforeEach(async () => {
  db = await createTestDatabase();
  sql = sqlOf(db.prisma);
  await setUpVisits(db.prisma);
});
afterEach(async () => {
  await db?.close();
  await loadDemoTypes();
});

/** A plain SQL statement (its own transaction), then the sequencer's pass over what it logged. */
const write = async (text: string) => {
  await sql(text);
  await drainCaptured(db.prisma);
};

const record = async (stream: string, id: string) =>
  (await sql<{ version: number; data: unknown; deleted: boolean }>("SELECT version, data, deleted FROM records WHERE stream = $1 AND type = 'visit' AND id = $2", [stream, id]))[0];

describe("capture of plain SQL writes", () => {
  it("turns an insert, an update and a delete into three changes attributed to the SQL role", async () => {
    await write("INSERT INTO visits (id, owner_id, site, score, tags) VALUES ('v1', 'alice', 'Depot', 2.5, '[\"roof\"]')");
    await write("UPDATE visits SET score = 3, note = 'ladder' WHERE id = 'v1'");
    expect(await record("user:alice", "v1")).toEqual({ version: 2, deleted: false, data: { site: "Depot", score: 3, tags: ["roof"], note: "ladder" } });
    await write("DELETE FROM visits WHERE id = 'v1'");
    const changes = await changesOf(sql, "user:alice");
    expect(changes.map((c) => [c.seq, c.op, c.version])).toEqual([["1", "upsert", 1], ["2", "upsert", 2], ["3", "delete", 3]]);
    expect(changes[0]?.data).toEqual({ site: "Depot", score: 2.5, tags: ["roof"] });
    expect(changes.every((c) => /^sql:/.test(c.source ?? ""))).toBe(true);
    expect((await record("user:alice", "v1"))?.deleted).toBe(true);
    const events = await sql<{ from_seq: string; to_seq: string; source_kind: string }>("SELECT from_seq::text, to_seq::text, source_kind FROM feed_events ORDER BY id");
    expect(events).toEqual([1, 2, 3].map((n) => ({ from_seq: String(n), to_seq: String(n), source_kind: "sql" })));
    await expectMirrorConsistent(sql);
  });

  it("captures a multi-row statement as one bundle per stream, in (type, id) order", async () => {
    await write(`INSERT INTO visits (id, owner_id, site, score) VALUES ('b', 'alice', 's', 1), ('a', 'alice', 's', 2), ('c', 'bob', 's', 3)`);
    await write("UPDATE visits SET visits = 7");
    expect((await changesOf(sql, "user:alice")).map((c) => [c.record_id, c.version])).toEqual([["a", 1], ["b", 1], ["a", 2], ["b", 2]]);
    expect((await changesOf(sql, "user:bob")).map((c) => [c.record_id, c.version])).toEqual([["c", 1], ["c", 2]]);
    const events = await sql<{ stream: string; from_seq: string; to_seq: string }>("SELECT stream, from_seq::text, to_seq::text FROM feed_events ORDER BY id");
    expect(events).toEqual([
      { stream: "user:alice", from_seq: "1", to_seq: "2" }, { stream: "user:bob", from_seq: "1", to_seq: "1" },
      { stream: "user:alice", from_seq: "3", to_seq: "4" }, { stream: "user:bob", from_seq: "2", to_seq: "2" },
    ]);
    await expectMirrorConsistent(sql);
  });

  it("emits nothing for an update that changes nothing, and one change for a transaction's net effect", async () => {
    await write("INSERT INTO visits (id, owner_id, site, score) VALUES ('v', 'alice', 's', 1)");
    await write("UPDATE visits SET score = 1.0, site = 's'");
    expect(await changesOf(sql, "user:alice")).toHaveLength(1);
    await engineOf(db.prisma).transaction(async (tx) => {
      await tx("UPDATE visits SET score = 5 WHERE id = 'v'");
      await tx("UPDATE visits SET score = 6 WHERE id = 'v'");
    });
    await drainCaptured(db.prisma);
    const changes = await changesOf(sql, "user:alice");
    expect(changes.map((c) => [c.version, c.data?.score])).toEqual([[1, 1], [2, 6]]);
  });

  it("captures rows deleted by a cascade from a parent table", async () => {
    await write("INSERT INTO sites (id, name) VALUES ('depot', 'Depot')");
    await write("INSERT INTO visits (id, owner_id, site, score, site_ref) VALUES ('v1', 'alice', 'Depot', 1, 'depot'), ('v2', 'bob', 'Depot', 1, 'depot')");
    await write("DELETE FROM sites WHERE id = 'depot'");
    expect((await changesOf(sql, "user:alice")).map((c) => c.op)).toEqual(["upsert", "delete"]);
    expect((await changesOf(sql, "user:bob")).map((c) => c.op)).toEqual(["upsert", "delete"]);
    await expectMirrorConsistent(sql);
  });

  it("makes a row whose stream column changes a delete on the old stream and an upsert on the new", async () => {
    await write("INSERT INTO visits (id, owner_id, site, score) VALUES ('v', 'alice', 's', 1)");
    await write("UPDATE visits SET owner_id = 'bob' WHERE id = 'v'");
    expect((await changesOf(sql, "user:alice")).map((c) => [c.op, c.version])).toEqual([["upsert", 1], ["delete", 2]]);
    expect((await changesOf(sql, "user:bob")).map((c) => [c.op, c.version, c.data])).toEqual([["upsert", 1, { site: "s", score: 1 }]]);
    expect(await record("user:alice", "v")).toMatchObject({ deleted: true });
    await expectMirrorConsistent(sql);
  });

  it("refuses TRUNCATE, leaving the table and the mirror as they were", async () => {
    await write("INSERT INTO visits (id, owner_id, site, score) VALUES ('v', 'alice', 's', 1)");
    await expect(sql("TRUNCATE visits")).rejects.toThrow(/TRUNCATE of visits is refused/);
    expect(await sql("SELECT id FROM visits")).toEqual([{ id: "v" }]);
    expect(await changesOf(sql, "user:alice")).toHaveLength(1);
  });

  it("writes nothing for a rolled-back transaction or savepoint", async () => {
    await expect(engineOf(db.prisma).transaction(async (tx) => {
      await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('gone', 'alice', 's', 1)");
      throw new Error("rolled back");
    })).rejects.toThrow("rolled back");
    await engineOf(db.prisma).transaction(async (tx) => {
      await tx("SAVEPOINT s");
      await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('gone2', 'alice', 's', 1)");
      await tx("ROLLBACK TO SAVEPOINT s");
      await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('kept', 'alice', 's', 1)");
    });
    await drainCaptured(db.prisma);
    expect((await changesOf(sql, "user:alice")).map((c) => c.record_id)).toEqual(["kept"]);
    expect(await sql("SELECT (SELECT count(*) FROM capture_pending)::int AS pending, (SELECT count(*) FROM capture_log)::int AS logged")).toEqual([{ pending: 0, logged: 0 }]);
    await expectMirrorConsistent(sql);
  });
});
