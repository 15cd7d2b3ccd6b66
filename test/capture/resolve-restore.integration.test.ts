// Conflict resolutions (a device's resolve route, and staff through server/conflicts/resolve.ts)
// and staff restores of a table-backed type write the team's table exactly once and emit one
// change and one feed event (docs/tables.md "Attribution"). A row trigger of the test's own counts
// the writes the table receives. One the table's constraints refuse is a 400 naming the
// constraint (the console and the resolve route show it) and changes nothing. Outside SQL writes
// become changes when the capture sequencer takes them, after commit: the in-process test server
// runs no sequencer, so each drainCaptured below stands for the pass a started server runs within
// SEQUENCE_INTERVAL_MS (server/startup.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainCaptured } from "@/server/capture/sequence";
import { resolveConflict } from "@/server/conflicts/resolve";
import { restoreRecord } from "@/server/records/restore";
import { sqlOf, type Sql } from "@/server/db/sql";
import { createStaffAs } from "../support/console-data";
import { makeDevice, type TestDevice } from "../support/device";
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
  await setUpVisits(db.prisma);
  sql = sqlOf(db.prisma);
  await sql("CREATE TABLE visit_writes (id text, op text)");
  await sql(`CREATE FUNCTION count_visit_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO visit_writes VALUES (COALESCE(NEW.id, OLD.id), TG_OP); RETURN NULL; END $$`);
  await sql("CREATE TRIGGER count_visit_writes AFTER INSERT OR UPDATE OR DELETE ON visits FOR EACH ROW EXECUTE FUNCTION count_visit_write()");
  server = await startTestServer({ database: db });
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

const base = { site: "Depot", score: 1 };
const writesOf = async (id: string) => (await sql("SELECT op FROM visit_writes WHERE id = $1", [id])).map((r) => r.op);
const feedEvents = async (stream: string) => Number((await sql("SELECT count(*) AS n FROM feed_events WHERE stream = $1", [stream]))[0]?.n);
const row = async (id: string) => (await sql("SELECT site, score::float8 AS score FROM visits WHERE id = $1", [id]))[0];

/** A visit the device created, that SQL then edited, and a stale device edit of the same field. */
async function storedConflict(id: string): Promise<{ device: TestDevice; stream: string; conflictId: string }> {
  const owner = `r${++n}`;
  const device = await makeDevice(server.url, owner);
  await push(device, 1, [{ type: "visit", id, action: "create", data: base }]);
  await sql("UPDATE visits SET site = 'By SQL' WHERE id = $1", [id]);
  // Not drained: the stale push's commit refuses (40001) while the SQL write is unsequenced, and
  // commitBundle sequences it and runs the push again, which then meets version 2.
  const answer = await push(device, 2, [{ type: "visit", id, action: "update", base_version: 1, data: { ...base, site: "By device" } }]);
  const conflictId = answer.results[0]?.conflict?.conflict_id;
  expect(answer.results[0]).toMatchObject({ status: "conflict" });
  expect(conflictId).toBeTruthy();
  await sql("DELETE FROM visit_writes");
  return { device, stream: `user:${owner}`, conflictId: conflictId ?? "" };
}

async function expectOneMore(stream: string, id: string, before: { changes: number; events: number }, source: RegExp) {
  expect(await writesOf(id)).toEqual(["UPDATE"]);
  const changes = await changesOf(sql, stream);
  expect(changes.length).toBe(before.changes + 1);
  expect(changes.at(-1)?.source).toMatch(source);
  expect(await feedEvents(stream)).toBe(before.events + 1);
  await expectMirrorConsistent(sql);
}

describe("resolving and restoring a table-backed type", () => {
  it("a device's accept_client writes the row once and emits one change", async () => {
    const { device, stream, conflictId } = await storedConflict("dev-resolve");
    const before = { changes: (await changesOf(sql, stream)).length, events: await feedEvents(stream) };
    const answer = await device.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, { resolution: "accept_client" });
    expect(answer.status).toBe(200);
    expect(await row("dev-resolve")).toEqual({ site: "By device", score: 1 });
    // The resolve route attributes to the caller's user (server/conflicts/resolve.ts).
    await expectOneMore(stream, "dev-resolve", before, /^device:/);
  });

  it("a staff manual_merge writes the row once and emits one change", async () => {
    const { stream, conflictId } = await storedConflict("staff-resolve");
    const before = { changes: (await changesOf(sql, stream)).length, events: await feedEvents(stream) };
    const staff = await createStaffAs(server.db.prisma, "support");
    await resolveConflict(server.db.prisma, { type: "staff", id: staff.id }, "all", conflictId, { resolution: "manual_merge", data: { site: "Merged", score: 2 } });
    expect(await row("staff-resolve")).toEqual({ site: "Merged", score: 2 });
    await expectOneMore(stream, "staff-resolve", before, new RegExp(`^staff:${staff.id}$`));
  });

  it("a staff restore of an earlier version writes the row once and emits one change", async () => {
    const owner = `r${++n}`;
    const stream = `user:${owner}`;
    const device = await makeDevice(server.url, owner);
    await push(device, 1, [{ type: "visit", id: "restored", action: "create", data: base }]);
    await sql("UPDATE visits SET site = 'Overwritten', score = 7 WHERE id = 'restored'");
    await drainCaptured(server.db.prisma);
    await sql("DELETE FROM visit_writes");
    const before = { changes: (await changesOf(sql, stream)).length, events: await feedEvents(stream) };
    const staff = await createStaffAs(server.db.prisma, "support");
    await restoreRecord(server.db.prisma, staff, { stream, type: "visit", id: "restored" }, { version: 1, expectedVersion: 2, reason: "test" });
    expect(await row("restored")).toEqual(base);
    await expectOneMore(stream, "restored", before, new RegExp(`^staff:${staff.id}$`));
  });

  it("a resolution or a restore the table's constraint refuses is a 400 naming it, and changes nothing", async () => {
    // NOT VALID: rows written before stay; every later write is checked.
    await sql("ALTER TABLE visits ADD CONSTRAINT visits_no_forbidden CHECK (site <> 'Forbidden') NOT VALID");
    const { device, stream, conflictId } = await storedConflict("refused-resolve");
    const before = { changes: (await changesOf(sql, stream)).length, events: await feedEvents(stream) };
    const answer = await device.call("POST", `/api/v1/conflicts/${conflictId}/resolve`, { resolution: "manual_merge", data: { site: "Forbidden", score: 1 } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: "invalid_request" } });
    expect(JSON.stringify(answer.body)).toContain("visits_no_forbidden");
    const staff = await createStaffAs(server.db.prisma, "support");
    await expect(resolveConflict(server.db.prisma, { type: "staff", id: staff.id }, "all", conflictId, { resolution: "manual_merge", data: { site: "Forbidden", score: 1 } }))
      .rejects.toMatchObject({ code: "invalid_request", status: 400 });
    expect(await row("refused-resolve")).toEqual({ site: "By SQL", score: 1 });
    expect((await sql("SELECT status FROM conflicts WHERE id = $1", [conflictId]))[0]).toEqual({ status: "open" });

    await sql("ALTER TABLE visits DROP CONSTRAINT visits_no_forbidden");
    await sql("UPDATE visits SET site = 'Forbidden' WHERE id = 'refused-resolve'");
    await sql("UPDATE visits SET site = 'Fine' WHERE id = 'refused-resolve'");
    await drainCaptured(server.db.prisma);
    await sql("ALTER TABLE visits ADD CONSTRAINT visits_no_forbidden CHECK (site <> 'Forbidden') NOT VALID");
    const version = (await sql<{ version: number }>("SELECT version FROM records WHERE stream = $1 AND id = 'refused-resolve'", [stream]))[0]?.version ?? 0;
    await expect(restoreRecord(server.db.prisma, staff, { stream, type: "visit", id: "refused-resolve" }, { version: version - 1, expectedVersion: version, reason: "test" }))
      .rejects.toMatchObject({ code: "invalid_request", status: 400 });
    expect(await row("refused-resolve")).toEqual({ site: "Fine", score: 1 });
    expect((await changesOf(sql, stream)).length).toBe(before.changes + 2);
    // The two SQL updates were sequenced in one pass by one role: one bundle.
    expect(await feedEvents(stream)).toBe(before.events + 1);
    await sql("ALTER TABLE visits DROP CONSTRAINT visits_no_forbidden");
    await sql("DELETE FROM visit_writes");
    await expectMirrorConsistent(sql);
  });
});
