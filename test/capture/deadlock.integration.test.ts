// A device push and a SQL transaction creating the same new key at the same moment (docs/tables.md
// "Limits"): the SQL writer holds the key from its INSERT and takes the stream head at commit; the
// push holds the head and then waits for the key. PostgreSQL breaks the deadlock by aborting the
// push (it waited first), which runs again (commit-bundle.ts): both succeed, the device gets its
// answer, the mirror stays consistent. PGlite is one connection: the two run one after the other.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Sql } from "@/server/db/sql";
import { makeDevice } from "../support/device";
import { testDbEngine } from "../support/database";
import type { TestServer } from "../support/server";
import { push } from "../support/sync-client";
import { loadDemoTypes } from "../support/types";
import { changesOf, expectMirrorConsistent, startVisitsServer } from "./support";

let server: TestServer;
let sql: Sql;
beforeAll(async () => {
  ({ server, sql } = await startVisitsServer());
});
afterAll(async () => {
  await server?.close();
  await loadDemoTypes();
});

const data = { site: "Depot", score: 1 };

it(`lets a push and a SQL insert create the same key at once, on ${testDbEngine()}`, async () => {
  const device = await makeDevice(server.url, "racer");
  const pool = server.db.pool;
  if (!pool) {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('same', 'racer', 'Depot', 1)");
    const answer = await push(device, 1, [{ type: "visit", id: "same", action: "create", data }]);
    expect(answer.results[0]).toMatchObject({ status: "ok", version: 2 });
  } else {
    const writer = await pool.connect();
    try {
      await writer.query("BEGIN");
      await writer.query("INSERT INTO visits (id, owner_id, site, score) VALUES ('same', 'racer', 'Depot', 1)");
      const pushed = push(device, 1, [{ type: "visit", id: "same", action: "create", data }]);
      // The barrier: the push holds the head and waits for the writer's key.
      await expect.poll(async () => (await sql("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"public\".\"visits\"%'")).length,
        { timeout: 10_000 }).toBe(1);
      await writer.query("COMMIT");
      const answer = await pushed;
      // The SQL row is version 1; the device's create (with the schema's default note) version 2.
      expect(answer.results[0]).toMatchObject({ status: "ok", version: 2 });
    } finally {
      writer.release();
    }
  }
  expect(await sql("SELECT id, owner_id FROM visits WHERE id = 'same'")).toEqual([{ id: "same", owner_id: "racer" }]);
  expect((await changesOf(sql, "user:racer")).map((c) => [c.record_id, c.version, c.source?.split(":")[0]])).toEqual([["same", 1, "sql"], ["same", 2, "device"]]);
  await expectMirrorConsistent(sql);
});
