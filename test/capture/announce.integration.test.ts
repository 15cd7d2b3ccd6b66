// Live pokes for changes written through the team's table (docs/tables.md "How it works"). An
// outside SQL write's changes are made by the capture sequencer after commit, and the sequencer's
// pass announces the heads it advanced, once; a rolled-back write is never sequenced, so it
// announces nothing. The commit-time flush of Syncdesk's own transactions still leaves the heads
// of the extra changes it emits (a table write inside a bundle) in capture_announce, for the
// announcer's pass. Every drainCaptured call below stands for the pass a started server's
// sequencer runs within SEQUENCE_INTERVAL_MS (the in-process test database runs none).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { announceCapturedHeads } from "@/server/capture/announce";
import { drainCaptured } from "@/server/capture/sequence";
import { engineOf, sqlOf, type Sql } from "@/server/db/sql";
import { subscribeAll, type Heads } from "@/server/live/hub";
import { commitBundle } from "@/server/sync/commit-bundle";
import { commitRecordChange } from "@/server/sync/records";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { loadDemoTypes } from "../support/types";
import { setUpVisits } from "./support";

let db: TestDatabase;
let sql: Sql;
let heard: Heads[];
let unsubscribe: () => void;
beforeEach(async () => {
  db = await createTestDatabase();
  sql = sqlOf(db.prisma);
  await setUpVisits(db.prisma);
  await drainCaptured(db.prisma);
  await announceCapturedHeads(db.prisma);
  heard = [];
  unsubscribe = subscribeAll((heads) => heard.push(heads));
});
afterEach(async () => {
  unsubscribe();
  await db?.close();
  await loadDemoTypes();
});

describe("announcing heads advanced by SQL writes", () => {
  it("the sequencer's pass tells live listeners each stream's newest head once, after commit", async () => {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('a', 'alice', 's', 1), ('b', 'bob', 's', 2)");
    await sql("UPDATE visits SET score = 5 WHERE id = 'a'");
    // Committed but not sequenced yet: no change exists, so nobody is poked about one.
    expect(heard).toEqual([]);
    await drainCaptured(db.prisma);
    expect(heard).toEqual([{ "user:alice": 2, "user:bob": 1 }]);
    await drainCaptured(db.prisma);
    expect(heard).toHaveLength(1);
    // The sequencer announces by itself: it leaves nothing for the announcer to repeat.
    expect(await sql("SELECT 1 FROM capture_announce")).toHaveLength(0);
    expect(await sql("SELECT 1 FROM capture_log")).toHaveLength(0);
  });

  it("announces nothing for a rolled-back write", async () => {
    await expect(engineOf(db.prisma).transaction(async (tx) => {
      await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('a', 'alice', 's', 1)");
      throw new Error("rolled back");
    })).rejects.toThrow("rolled back");
    await drainCaptured(db.prisma);
    expect(await announceCapturedHeads(db.prisma)).toEqual({});
    expect(heard).toEqual([]);
    expect(await sql("SELECT 1 FROM changes")).toHaveLength(0);
  });

  it("announces the commit-time flush's extra change of a bundle through the announcer's pass", async () => {
    await commitBundle(db.prisma, "push", async (tx) => {
      const bundle = await tx.open(["user:alice"], { batchId: null, source: { kind: "server", id: "job" } });
      commitRecordChange(bundle, { stream: "user:alice", type: "visit", id: "pushed" }, null, { op: "upsert", data: { site: "a", score: 1 }, updatedAt: new Date() });
      // Inside the bundle's transaction: the flush emits it at commit, as seq 2.
      await tx.sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('extra', 'alice', 'b', 2)");
    });
    // The bundle announced its own head; the flush's change waits for the announcer.
    expect(heard).toEqual([{ "user:alice": 1 }]);
    expect(await announceCapturedHeads(db.prisma)).toEqual({ "user:alice": 2 });
    expect(heard).toContainEqual({ "user:alice": 2 });
    expect(await announceCapturedHeads(db.prisma)).toEqual({});
    expect(await sql("SELECT 1 FROM capture_log")).toHaveLength(0);
  });
});
