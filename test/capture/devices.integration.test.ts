// Deliver 3 of issue 17 and its "done when", over real HTTP on both engines: a device pushes a
// visit that appears as a row of the team's table; UPDATE and DELETE made by SQL reach the device
// on its next pull; a device edit based on a version an outside writer superseded goes through
// the type's policy; pushes and outside writes in one transaction each land exactly once.
// Outside SQL writes become changes when the capture sequencer takes them, after commit: the
// in-process test server runs no sequencer, so each drainCaptured below stands for the pass a
// started server runs within SEQUENCE_INTERVAL_MS (server/startup.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainCaptured } from "@/server/capture/sequence";
import type { Sql } from "@/server/db/sql";
import { commitBundle } from "@/server/sync/commit-bundle";
import { commitRecordChange } from "@/server/sync/records";
import { makeDevice } from "../support/device";
import { connectLive } from "../support/live-client";
import type { TestServer } from "../support/server";
import { bootstrapAll, pullAll, push } from "../support/sync-client";
import { loadDemoTypes } from "../support/types";
import { changesOf, expectMirrorConsistent, startVisitsServer } from "./support";

let server: TestServer;
let sql: Sql;
let n = 0;
beforeAll(async () => {
  ({ server, sql } = await startVisitsServer());
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

const user = () => `u${++n}`;
const visit = { site: "Depot 4", score: 3, tags: ["roof"], visits: 1, status: "draft" };
const row = async (id: string) => (await sql("SELECT * FROM visits WHERE id = $1", [id]))[0];

describe("a device syncing a table-backed type", () => {
  it("pushes a visit that appears as a row, and pulls the SQL update and delete that follow", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    const { token } = await bootstrapAll(device);
    const answer = await push(device, 1, [{ type: "visit", id: "done-when", action: "create", data: visit }]);
    expect(answer.results[0]).toMatchObject({ status: "ok", version: 1 });
    expect(await row("done-when")).toMatchObject({ owner_id: owner, site: "Depot 4", score: "3", tags: ["roof"], visits: 1, note: "" });
    // Exactly once: the push's own change, attributed to the device; the flush added nothing.
    expect((await changesOf(sql, `user:${owner}`)).map((c) => [c.op, c.source])).toEqual([["upsert", `device:${device.deviceId}`]]);

    await sql("UPDATE visits SET status = 'submitted' WHERE id = 'done-when'");
    await sql("DELETE FROM visits WHERE id = 'done-when'");
    await drainCaptured(server.db.prisma);
    const pulled = await pullAll(device, token);
    const changes = pulled.pages.flatMap((p) => p.changes);
    expect(changes.map((c) => [c.op, c.version, c.data?.status])).toEqual([["upsert", 1, "draft"], ["upsert", 2, "submitted"], ["delete", 3, undefined]]);
    await expectMirrorConsistent(sql);
  });

  it("bootstraps rows written by SQL, and applies device updates and deletes to the table", async () => {
    const owner = user();
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('from-sql', $1, 'Quay', 1)", [owner]);
    await drainCaptured(server.db.prisma);
    const device = await makeDevice(server.url, owner);
    const { pages } = await bootstrapAll(device);
    expect(pages.flat().map((r) => [r.id, r.version, r.data])).toEqual([["from-sql", 1, { site: "Quay", score: 1 }]]);
    await push(device, 1, [{ type: "visit", id: "from-sql", action: "update", base_version: 1, data: { site: "Quay", score: 4, note: "x" } }]);
    expect(await row("from-sql")).toMatchObject({ score: "4", note: "x" });
    await push(device, 2, [{ type: "visit", id: "from-sql", action: "delete", base_version: 2 }]);
    expect(await row("from-sql")).toBeUndefined();
    expect((await changesOf(sql, `user:${owner}`)).map((c) => [c.op, c.version, c.source?.split(":")[0]])).toEqual([
      ["upsert", 1, "sql"], ["upsert", 2, "device"], ["delete", 3, "device"],
    ]);
  });

  it("merges a device edit based on a version an outside writer superseded, by the type's field rules", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    await push(device, 1, [{ type: "visit", id: "merged", action: "create", data: visit }]);
    await sql("UPDATE visits SET score = 9, tags = '[\"roof\", \"door\"]', visits = 3 WHERE id = 'merged'");
    // Not drained: the push's commit finds the outside write unsequenced, refuses (40001), and
    // commitBundle sequences it and runs the push again, which then sees version 2.
    const answer = await push(device, 2, [{ type: "visit", id: "merged", action: "update", base_version: 1, data: { ...visit, score: 5, tags: ["roof", "gate"], visits: 2 } }]);
    expect(answer.results[0]).toMatchObject({ status: "ok", version: 3, conflict: { resolution: "merged" } });
    // max(9, 5); union of both additions; counter 3 + (2 - 1).
    expect(await row("merged")).toMatchObject({ score: "9", visits: 4 });
    expect(new Set((await row("merged"))?.tags as string[])).toEqual(new Set(["roof", "door", "gate"]));
    expect((await changesOf(sql, `user:${owner}`)).map((c) => [c.version, c.source?.split(":")[0]])).toEqual([[1, "device"], [2, "sql"], [3, "device"]]);
    await expectMirrorConsistent(sql);
  });

  it("refuses a stream outside the type's prefix and an id another stream's row holds", async () => {
    const owner = user();
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('taken', 'someone-else', 's', 1)");
    await drainCaptured(server.db.prisma);
    const device = await makeDevice(server.url, owner, { streams: [`user:${owner}`, "team:x"] });
    const answer = await push(device, 1, [
      { type: "visit", action: "create", stream: "team:x", data: visit },
      { type: "visit", id: "taken", action: "create", data: visit },
    ]);
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([["error", "forbidden"], ["error", "forbidden"]]);
    expect(await row("taken")).toMatchObject({ owner_id: "someone-else", site: "s" });
  });

  it("lands a bundle's write and an outside write of the same transaction exactly once each", async () => {
    const owner = user();
    const stream = `user:${owner}`;
    await commitBundle(server.db.prisma, "push", async (tx) => {
      const bundle = await tx.open([stream], { batchId: null, source: { kind: "server", id: "job" } });
      commitRecordChange(bundle, { stream, type: "visit", id: "pushed" }, null, { op: "upsert", data: { site: "a", score: 1 }, updatedAt: new Date() });
      await tx.sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('outside', $1, 'b', 2)", [owner]);
    });
    expect((await sql("SELECT id FROM visits WHERE owner_id = $1 ORDER BY id", [owner])).map((r) => r.id)).toEqual(["outside", "pushed"]);
    expect((await changesOf(sql, stream)).map((c) => [c.record_id, c.version, c.source])).toEqual([
      ["pushed", 1, "server:job"], ["outside", 1, "server:job"],
    ]);
    await expectMirrorConsistent(sql);
  });

  it("pokes a device's live connection when SQL writes its stream", async () => {
    const owner = user();
    const device = await makeDevice(server.url, owner);
    const live = await connectLive(server.url, device, (await bootstrapAll(device)).token);
    try {
      await live.next("ready");
      await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('live', $1, 's', 1)", [owner]);
      // The sequencer's pass announces what it sequenced (no announcer pass involved).
      await drainCaptured(server.db.prisma);
      expect((await live.next("poke")).data).toEqual({ streams: { [`user:${owner}`]: 1 } });
    } finally {
      live.close();
    }
  });
});
