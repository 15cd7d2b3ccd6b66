// The sequencer of table capture (server/capture/sequence.ts; docs/tables.md "How it works"):
// outside writers stage their rows in capture_log and pay no stream head; the sequencer turns
// committed transactions into changes in commit order (a pass's run of one role's transactions
// on a stream is one bundle); a device push whose row
// has an outside write not yet sequenced waits for it and goes through the type's policy.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installCapture } from "@/server/capture/install";
import { drainCaptured, sequenceCaptured } from "@/server/capture/sequence";
import { readLoggedTransactions } from "@/server/capture/sequence-read";
import { engineOf, sqlOf, type Sql } from "@/server/db/sql";
import { makeDevice } from "../support/device";
import { createTestDatabase, testDbEngine } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, push } from "../support/sync-client";
import { loadDemoTypes } from "../support/types";
import { changesOf, expectMirrorConsistent, setUpVisits } from "./support";

let server: TestServer;
let sql: Sql;
beforeEach(async () => {
  const db = await createTestDatabase();
  await setUpVisits(db.prisma);
  server = await startTestServer({ database: db });
  sql = sqlOf(db.prisma);
});
afterEach(async () => {
  await server?.close();
  await loadDemoTypes();
});

const logged = async () => (await sql<{ n: number }>("SELECT count(*)::int AS n FROM capture_log"))[0]?.n;

describe("the capture sequencer", () => {
  it("leaves an outside write in the log until a pass, then writes it as one bundle and empties the log", async () => {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('a', 'alice', 's', 1), ('b', 'bob', 's', 2)");
    expect(await changesOf(sql, "user:alice")).toEqual([]);
    expect(await logged()).toBe(1);
    expect(await sequenceCaptured(server.db.prisma)).toBe(1);
    expect(await logged()).toBe(0);
    expect((await changesOf(sql, "user:alice")).map((c) => [c.record_id, c.source])).toEqual([["a", expect.stringMatching(/^sql:/)]]);
    expect((await changesOf(sql, "user:bob")).map((c) => c.record_id)).toEqual(["b"]);
    expect(await sequenceCaptured(server.db.prisma)).toBe(0);
    await expectMirrorConsistent(sql);
  });

  it("writes a pass's transactions on a stream by one role as one bundle, split where another role wrote between them", async () => {
    await sql("DO $$ BEGIN CREATE ROLE syncdesk_test_job; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    await sql("GRANT INSERT, SELECT ON visits, capture_log TO syncdesk_test_job");
    await sql("GRANT USAGE ON SEQUENCE capture_log_id_seq TO syncdesk_test_job");
    const [{ me } = { me: "" }] = await sql<{ me: string }>("SELECT current_user AS me");
    const write = (values: string, role?: string) => engineOf(server.db.prisma).transaction(async (tx) => {
      if (role) await tx(`SET LOCAL ROLE ${role}`);
      await tx(`INSERT INTO visits (id, owner_id, site, score) VALUES ${values}`);
    });
    await write("('a1', 'alice', 's', 1), ('b1', 'bob', 's', 1)");
    await write("('a2', 'alice', 's', 1)");
    await write("('a3', 'alice', 's', 1)", "syncdesk_test_job");
    await write("('a4', 'alice', 's', 1)");
    expect(await sequenceCaptured(server.db.prisma)).toBe(4);
    const events = await sql("SELECT stream, from_seq::int AS from, to_seq::int AS to, source_id FROM feed_events ORDER BY id");
    expect(events).toEqual([
      { stream: "user:alice", from: 1, to: 2, source_id: me }, { stream: "user:alice", from: 3, to: 3, source_id: "syncdesk_test_job" },
      { stream: "user:alice", from: 4, to: 4, source_id: me }, { stream: "user:bob", from: 1, to: 1, source_id: me },
    ]);
    // Each change still names its own writer.
    expect((await changesOf(sql, "user:alice")).map((c) => [c.record_id, c.source]))
      .toEqual([["a1", `sql:${me}`], ["a2", `sql:${me}`], ["a3", "sql:syncdesk_test_job"], ["a4", `sql:${me}`]]);
    await expectMirrorConsistent(sql);
  });

  it("reads whole transactions in the order of their last statement, a batch at most about its limit", async () => {
    await engineOf(server.db.prisma).transaction(async (tx) => {
      await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('t1', 'alice', 's', 1)");
      await tx("UPDATE visits SET score = 2 WHERE id = 't1'");
      await tx("UPDATE visits SET score = 3 WHERE id = 't1'");
    });
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('t2', 'alice', 's', 1)");
    const read = (limit: number) => engineOf(server.db.prisma).transaction((tx) => readLoggedTransactions(tx, limit));
    // Two log rows are part of the first transaction only: it is taken whole, alone.
    expect((await read(2)).map((t) => t.rows.map((r) => [r.id, r.data?.score]))).toEqual([[["t1", 1], ["t1", 2], ["t1", 3]]]);
    expect((await read(10)).map((t) => t.logIds.length)).toEqual([3, 1]);
    await drainCaptured(server.db.prisma);
    expect((await changesOf(sql, "user:alice")).map((c) => [c.record_id, c.version, c.data?.score])).toEqual([["t1", 1, 3], ["t2", 1, 1]]);
  });

  it("sequences what was logged when a type leaves the config, and captures no more of it", async () => {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('x', 'alice', 's', 1)");
    await installCapture(server.db.prisma, [], "visits.json");
    // The start sequenced it under the binding it was written with, then removed the capture.
    expect((await changesOf(sql, "user:alice")).map((c) => c.record_id)).toEqual(["x"]);
    expect(await logged()).toBe(0);
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('y', 'alice', 's', 1)");
    expect(await logged()).toBe(0);
  });

  it("runs a device's edit again, through the type's policy, when its row has an outside write not yet sequenced", async () => {
    const device = await makeDevice(server.url, "carol");
    await bootstrapAll(device);
    await push(device, 1, [{ type: "visit", id: "v", action: "create", data: { site: "s", score: 5, visits: 1 } }]);
    await sql("UPDATE visits SET score = 9, visits = visits + 2 WHERE id = 'v'");
    expect(await logged()).toBe(1);
    // Based on version 1, which the outside write superseded: merged by the field rules (max, counter).
    const answer = await push(device, 2, [{ type: "visit", id: "v", action: "update", base_version: 1, data: { site: "s", score: 6, visits: 2 } }]);
    expect(answer.results[0]).toMatchObject({ version: 3 });
    expect((await changesOf(sql, "user:carol")).map((c) => [c.version, c.source?.split(":")[0], c.data?.score, c.data?.visits]))
      .toEqual([[1, "device", 5, 1], [2, "sql", 9, 3], [3, "device", 9, 4]]);
    expect(await sql("SELECT score::float8 AS score, visits FROM visits WHERE id = 'v'")).toEqual([{ score: 9, visits: 4 }]);
    expect(await logged()).toBe(0);
    await expectMirrorConsistent(sql);
  });
});

describe("a device write meeting an outside write the sequencer has not taken", () => {
  it("refuses a create of an id an outside write gave another stream, and writes nothing", async () => {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('taken', 'erin', 's', 1)");
    const device = await makeDevice(server.url, "frank");
    await bootstrapAll(device);
    const answer = await push(device, 1, [{ type: "visit", id: "taken", action: "create", data: { site: "mine", score: 2 } }]);
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([["error", "forbidden"]]);
    expect(await sql("SELECT owner_id, site FROM visits WHERE id = 'taken'")).toEqual([{ owner_id: "erin", site: "s" }]);
    expect(await changesOf(sql, "user:frank")).toEqual([]);
    expect((await changesOf(sql, "user:erin")).map((c) => [c.record_id, c.op])).toEqual([["taken", "upsert"]]);
    await expectMirrorConsistent(sql);
  });

  it("does not answer ok for an update of a row an outside write moved to another stream", async () => {
    const device = await makeDevice(server.url, "gina");
    await bootstrapAll(device);
    await push(device, 1, [{ type: "visit", id: "moved", action: "create", data: { site: "a", score: 1 } }]);
    await sql("UPDATE visits SET owner_id = 'hank' WHERE id = 'moved'");
    const answer = await push(device, 2, [{ type: "visit", id: "moved", action: "update", base_version: 1, data: { site: "by device", score: 1 } }]);
    // The row left the device's stream (a delete there): an update of it is a conflict, not a write.
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([["conflict", undefined]]);
    expect(await sql("SELECT owner_id, site FROM visits WHERE id = 'moved'")).toEqual([{ owner_id: "hank", site: "a" }]);
    expect((await changesOf(sql, "user:gina")).map((c) => [c.op, c.version, c.source?.split(":")[0]])).toEqual([["upsert", 1, "device"], ["delete", 2, "sql"]]);
    expect((await changesOf(sql, "user:hank")).map((c) => [c.op, c.data?.site])).toEqual([["upsert", "a"]]);
    await expectMirrorConsistent(sql);
  });
});

describe(`commit order across writers on ${testDbEngine()}`, () => {
  it("never makes a writer wait for a stream head, and sequences a transaction after the one whose row it overwrote", async () => {
    const pool = server.db.pool;
    if (!pool) {
      // PGlite is one connection: transactions run one after another, in the order they commit.
      await engineOf(server.db.prisma).transaction(async (tx) => tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('shared', 'dave', 'other', 1)"));
      await engineOf(server.db.prisma).transaction(async (tx) => {
        await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('f', 'dave', 's', 1)");
        await tx("UPDATE visits SET site = 'first' WHERE id = 'shared'");
      });
      await drainCaptured(server.db.prisma);
    } else {
      const first = await pool.connect();
      const holder = await pool.connect();
      try {
        // `first` writes before the other writer starts (its xid is older), and overwrites that
        // writer's row after it committed: it must come after it.
        await first.query("BEGIN");
        await first.query("INSERT INTO visits (id, owner_id, site, score) VALUES ('f', 'dave', 's', 1)");
        await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('shared', 'dave', 'other', 1)");
        await first.query("UPDATE visits SET site = 'first' WHERE id = 'shared'");
        // A head held by someone else does not hold up a plain write's commit; the sequencer waits.
        await sql("INSERT INTO streams (name) VALUES ('user:dave')");
        await holder.query("BEGIN");
        await holder.query("SELECT 1 FROM streams WHERE name = 'user:dave' FOR UPDATE");
        await first.query("COMMIT");
        const pass = drainCaptured(server.db.prisma);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await changesOf(sql, "user:dave")).toEqual([]);
        await holder.query("COMMIT");
        await pass;
      } finally {
        first.release();
        holder.release();
      }
    }
    expect((await changesOf(sql, "user:dave")).map((c) => [c.record_id, c.version, c.data?.site])).toEqual([
      ["shared", 1, "other"], ["f", 1, "s"], ["shared", 2, "first"],
    ]);
    await expectMirrorConsistent(sql);
  });
});
