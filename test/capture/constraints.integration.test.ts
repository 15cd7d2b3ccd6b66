// The team's table constraints against device data (docs/tables.md "Constraints"): a row the
// table refuses (CHECK, foreign key, NOT NULL the schema does not require) fails that item alone
// with invalid_data naming the constraint; the other items apply; an atomic push is rejected
// whole. The refused item leaves nothing: no row, no record, no change, no feed event. A
// constraint declared DEFERRABLE INITIALLY DEFERRED refuses the item the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCapture } from "@/server/capture/install";
import { engineOf, sqlOf, type Sql } from "@/server/db/sql";
import { makeDevice } from "../support/device";
import { createTestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";
import { push } from "../support/sync-client";
import { loadDemoTypes } from "../support/types";
import { changesOf, expectMirrorConsistent, setUpVisits } from "./support";

let server: TestServer;
let sql: Sql;
let n = 0;
beforeAll(async () => {
  const db = await createTestDatabase();
  const types = await setUpVisits(db.prisma);
  sql = sqlOf(db.prisma);
  await sql("CREATE TABLE statuses (name text PRIMARY KEY)");
  await sql("INSERT INTO statuses VALUES ('draft'), ('done')");
  await sql("ALTER TABLE visits ADD CONSTRAINT visits_score_range CHECK (score >= 0)");
  await sql("ALTER TABLE visits ADD CONSTRAINT visits_status_known FOREIGN KEY (status) REFERENCES statuses (name)");
  await sql("ALTER TABLE visits ALTER COLUMN visits SET NOT NULL");
  // Notes default to "" (the example config): only the others must be unique.
  await sql("ALTER TABLE visits ADD CONSTRAINT visits_note_once EXCLUDE (note WITH =) WHERE (note <> '') DEFERRABLE INITIALLY DEFERRED");
  // Constraints are read at start: install again, as the next start would.
  await installCapture(db.prisma, types, "visit-table.config.json");
  server = await startTestServer({ database: db });
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

const user = () => `c${++n}`;
const ok = { site: "Depot", score: 1, visits: 1, status: "draft" };
const ids = async (owner: string) => (await sql("SELECT id FROM visits WHERE owner_id = $1 ORDER BY id", [owner])).map((r) => r.id);
const feedEvents = async (owner: string) => Number((await sql("SELECT count(*) AS n FROM feed_events WHERE stream = $1", [`user:${owner}`]))[0]?.n);

describe("table constraints refusing a device's item", () => {
  it("fail that item alone with invalid_data naming the constraint; the others apply", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    const answer = await push(device, 1, [
      { type: "visit", id: "a", action: "create", data: ok },
      { type: "visit", id: "check", action: "create", data: { ...ok, score: -1 } },
      { type: "visit", id: "fk", action: "create", data: { ...ok, status: "lost" } },
      { type: "visit", id: "null", action: "create", data: { site: "Depot", score: 1 } },
      { type: "visit", id: "b", action: "create", data: ok },
    ]);
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["ok", undefined], ["error", "invalid_data"], ["error", "invalid_data"], ["error", "invalid_data"], ["ok", undefined],
    ]);
    expect(answer.results[1]?.error?.message).toContain("visits_score_range");
    expect(answer.results[2]?.error?.message).toContain("visits_status_known");
    expect(answer.results[3]?.error?.details).toMatchObject({ fields: [{ field: "visits" }] });
    expect(await ids(owner)).toEqual(["a", "b"]);
    // Consecutive seqs for the two applied items only, one feed event, no record of the refused.
    expect((await changesOf(sql, `user:${owner}`)).map((c) => [c.seq, c.record_id])).toEqual([["1", "a"], ["2", "b"]]);
    expect(await feedEvents(owner)).toBe(1);
    expect((await sql("SELECT id FROM records WHERE stream = $1 ORDER BY id", [`user:${owner}`])).map((r) => r.id)).toEqual(["a", "b"]);
    await expectMirrorConsistent(sql);
  });

  it("leave an updated row unchanged when the table refuses the update", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    await push(device, 1, [{ type: "visit", id: "u", action: "create", data: ok }]);
    const answer = await push(device, 2, [{ type: "visit", id: "u", action: "update", base_version: 1, data: { ...ok, score: -5 } }]);
    expect(answer.results[0]).toMatchObject({ status: "error", error: { code: "invalid_data" } });
    expect((await sql("SELECT score::float8 AS score FROM visits WHERE id = 'u'"))[0]).toEqual({ score: 1 });
    expect((await changesOf(sql, `user:${owner}`)).map((c) => c.version)).toEqual([1]);
    expect(await feedEvents(owner)).toBe(1);
  });

  it("reject an atomic push whole, writing nothing", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    const answer = await push(device, 1, [
      { type: "visit", id: "x", action: "create", data: ok },
      { type: "visit", id: "y", action: "create", data: { ...ok, score: -1 } },
    ], "atomic");
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([["skipped", undefined], ["error", "invalid_data"]]);
    expect(await ids(owner)).toEqual([]);
    expect(await changesOf(sql, `user:${owner}`)).toEqual([]);
    expect(await feedEvents(owner)).toBe(0);
    // The device can push the good item again afterwards.
    const again = await push(device, 2, [{ type: "visit", id: "x", action: "create", data: ok }], "atomic");
    expect(again.results[0]).toMatchObject({ status: "ok", version: 1 });
    expect(await ids(owner)).toEqual(["x"]);
  });

  it("check a deferred constraint at the item, so it fails alone instead of the whole push at commit", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    const answer = await push(device, 1, [
      { type: "visit", id: "first", action: "create", data: { ...ok, note: "same" } },
      { type: "visit", id: "second", action: "create", data: { ...ok, note: "same" } },
      { type: "visit", id: "third", action: "create", data: { ...ok, note: "other" } },
    ]);
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([["ok", undefined], ["error", "invalid_data"], ["ok", undefined]]);
    expect(answer.results[1]?.error?.message).toContain("visits_note_once");
    expect(await ids(owner)).toEqual(["first", "third"]);
    expect((await changesOf(sql, `user:${owner}`)).map((c) => c.record_id)).toEqual(["first", "third"]);
    // Still deferred for everyone else: a SQL transaction may pass through a duplicate.
    await engineOf(server.db.prisma).transaction(async (tx) => {
      await tx("UPDATE visits SET note = 'other' WHERE id = 'first'");
      await tx("UPDATE visits SET note = 'moved' WHERE id = 'third'");
    });
    expect((await sql("SELECT note FROM visits WHERE id = 'first'"))[0]).toEqual({ note: "other" });
    await expectMirrorConsistent(sql);
  });
});
