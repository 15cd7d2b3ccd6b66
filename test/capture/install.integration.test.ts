// Deliver 1 of issue 17: the start checks a table-backed type's table and says what does not fit
// (file, type, field); capture installs idempotently, safely from several starts at once, picks
// up rows that were there before it, and leaves when the type leaves the config. Outside SQL
// writes become changes when the capture sequencer takes them, after commit: each drainCaptured
// below stands for the pass a started server runs within SEQUENCE_INTERVAL_MS (server/startup.ts).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installCapture } from "@/server/capture/install";
import { drainCaptured } from "@/server/capture/sequence";
import { sqlOf, type Sql } from "@/server/db/sql";
import { loadConfigFile } from "@/server/types/load-config";
import type { ResourceType } from "@/server/types/resource-type";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { changesOf, VISIT_TABLE_CONFIG } from "./support";

let db: TestDatabase;
let sql: Sql;
let types: ResourceType[];
beforeEach(async () => {
  db = await createTestDatabase();
  sql = sqlOf(db.prisma);
  types = await loadConfigFile(VISIT_TABLE_CONFIG);
});
afterEach(async () => {
  await db?.close();
});

const COLUMNS = "site text NOT NULL, score numeric NOT NULL, tags jsonb, visits integer, status text, note text";
const install = () => installCapture(db.prisma, types, "visits.json");
const triggers = async () =>
  (await sql<{ tgname: string }>("SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('visits') AND NOT tgisinternal ORDER BY tgname")).map((t) => t.tgname);

describe("the start-time check of the table", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["a missing table", "CREATE TABLE other (id text)", /field "table.name": table public.visits does not exist/],
    ["a key that is not unique", `CREATE TABLE visits (id text, owner_id text NOT NULL, ${COLUMNS})`, /field "table.key": column id of public.visits is not its primary key/],
    ["a nullable stream column", `CREATE TABLE visits (id text PRIMARY KEY, owner_id text, ${COLUMNS})`, /field "table.stream_column": column owner_id of public.visits must be NOT NULL/],
    ["a property without a column", "CREATE TABLE visits (id text PRIMARY KEY, owner_id text NOT NULL, site text, score numeric)", /has no column tags for the schema's property "tags"/],
    ["a column that cannot hold the property", `CREATE TABLE visits (id text PRIMARY KEY, owner_id text NOT NULL, ${COLUMNS.replace("score numeric", "score integer")})`, /column score of public.visits is integer, which cannot hold the schema's number exactly/],
    ["a NOT NULL column nothing fills", `CREATE TABLE visits (id text PRIMARY KEY, owner_id text NOT NULL, region text NOT NULL, ${COLUMNS})`, /column region of public.visits is NOT NULL without a default/],
  ];
  for (const [what, ddl, message] of cases) {
    it(`stops the start on ${what}, naming the file and the type, and installs nothing`, async () => {
      await sql(ddl);
      await expect(install()).rejects.toThrow(/^visits\.json: type "visit", field "table\./);
      await expect(install()).rejects.toThrow(message);
      expect(await sql("SELECT type FROM capture_tables")).toEqual([]);
    });
  }
});

describe("installing capture", () => {
  beforeEach(async () => {
    await sql(`CREATE TABLE visits (id text PRIMARY KEY, owner_id text NOT NULL, ${COLUMNS}, extra text DEFAULT 'x')`);
  });

  it("captures rows that were there before, once, however often (and however concurrently) it runs", async () => {
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('old', 'alice', 's', 1)");
    await Promise.all([install(), install(), install()]);
    await install();
    expect(await triggers()).toEqual(["syncdesk_capture_delete", "syncdesk_capture_insert", "syncdesk_capture_truncate", "syncdesk_capture_update"]);
    expect((await changesOf(sql, "user:alice")).map((c) => [c.record_id, c.op])).toEqual([["old", "upsert"]]);
    await sql("UPDATE visits SET score = 2");
    await drainCaptured(db.prisma);
    expect((await changesOf(sql, "user:alice")).map((c) => c.version)).toEqual([1, 2]);
  });

  it("removes the capture when the type leaves the config, and resumes it when it comes back", async () => {
    await install();
    await installCapture(db.prisma, [], "visits.json");
    expect(await triggers()).toEqual([]);
    expect(await sql("SELECT type FROM capture_tables")).toEqual([]);
    await sql("INSERT INTO visits (id, owner_id, site, score) VALUES ('unseen', 'alice', 's', 1)");
    await drainCaptured(db.prisma);
    expect(await changesOf(sql, "user:alice")).toEqual([]);
    expect(await sql("SELECT 1 FROM capture_log")).toEqual([]);
    await install();
    expect((await changesOf(sql, "user:alice")).map((c) => c.record_id)).toEqual(["unseen"]);
  });
});
