// Live pokes for SQL writes (docs/tables.md "How it works"): a committed SQL write's stream heads
// reach this process's live listeners at the next announcer pass, once; a rolled-back write
// announces nothing; a push's own commit is announced by the push, not again by the announcer.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { announceCapturedHeads } from "@/server/capture/announce";
import { engineOf, sqlOf, type Sql } from "@/server/db/sql";
import { subscribeAll, type Heads } from "@/server/live/hub";
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
  it("tells live listeners each stream's newest head once, after commit", async () => {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('a', 'alice', 's', 1), ('b', 'bob', 's', 2)");
    await sql("UPDATE visits SET score = 5 WHERE id = 'a'");
    expect(await announceCapturedHeads(db.prisma)).toEqual({ "user:alice": 2, "user:bob": 1 });
    expect(heard).toContainEqual({ "user:alice": 2, "user:bob": 1 });
    expect(await announceCapturedHeads(db.prisma)).toEqual({});
    expect(await sql("SELECT 1 FROM capture_announce")).toHaveLength(0);
  });

  it("announces nothing for a rolled-back write", async () => {
    await expect(engineOf(db.prisma).transaction(async (tx) => {
      await tx("INSERT INTO visits (id, owner_id, site, score) VALUES ('a', 'alice', 's', 1)");
      throw new Error("rolled back");
    })).rejects.toThrow("rolled back");
    expect(await announceCapturedHeads(db.prisma)).toEqual({});
    expect(heard).toEqual([]);
  });
});
