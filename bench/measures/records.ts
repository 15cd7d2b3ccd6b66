// (7) Console records: the record browser and a record's page, called through their domain
// functions (server/records/list.ts, server/records/get.ts) on a database with `small` records and
// on one with `large`, interleaved; the ratio is large / small latency (target: within 2x). Records
// are spread over 100 users' own streams; one record per database has 20 versions in the log.
import type pg from "pg";
import { getRecordOrThrow } from "../../server/records/get";
import { listRecords } from "../../server/records/list";
import { SQL_DOC } from "../lib/records";
import { measureSmallVsLarge, type TimedQuery } from "../lib/small-vs-large";
import type { Ctx, Row } from "../lib/types";

const USERS = 100;
const VERSIONS = 20;
// Record 7 lands in user:rec-8 as a diary (g % USERS + 1, the type by g % 3).
const HISTORY = { stream: "user:rec-8", type: "diary", id: "r-00000007" };

async function seedRecords(db: pg.Pool, count: number): Promise<void> {
  await db.query(
    `INSERT INTO devices (id, user_id, device_id, streams)
     SELECT md5('rec-dev-' || g)::uuid, 'rec-' || g, 'rec-' || g || '-phone', ARRAY['user:rec-' || g]
     FROM generate_series(1, ${USERS}) g`,
  );
  await db.query(`INSERT INTO streams (name, head_seq) SELECT 'user:rec-' || g, 1000000000 FROM generate_series(1, ${USERS}) g`);
  const chunk = 250_000;
  for (let start = 1; start <= count; start += chunk) {
    const end = Math.min(count, start + chunk - 1);
    await db.query(
      `INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
       SELECT 'user:rec-' || (g % ${USERS} + 1), (ARRAY['memo','diary','meter'])[g % 3 + 1], 'r-' || lpad(g::text, 8, '0'),
              ${VERSIONS}, d, g % 50 = 0, 'sha256:' || md5(d::text), timestamptz '2026-11-01' + g * interval '1 millisecond', g
       FROM generate_series($1::bigint, $2::bigint) AS g, LATERAL (SELECT ${SQL_DOC("g")} AS d) AS x`,
      [start, end],
    );
  }
  // The history of one record: VERSIONS upserts, each in a batch-less (server) change.
  await db.query(
    `INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at)
     SELECT $1, 2000000000 + v, $2, $3, 'upsert', v, ${SQL_DOC("v")}, now() FROM generate_series(1, ${VERSIONS}) v`,
    [HISTORY.stream, HISTORY.type, HISTORY.id],
  );
  await db.query("ANALYZE records; ANALYZE changes; ANALYZE devices");
}


const QUERIES: TimedQuery[] = [
  { id: "records-browse", name: "record browser (first page of 50)", run: (db) => listRecords(db, {}, { limit: 50 }) },
  { id: "records-user", name: "record browser filtered by user and type", run: (db) => listRecords(db, { userId: "rec-42", type: "meter" }, { limit: 50 }) },
  { id: "records-id", name: "record browser by record id", run: (db) => listRecords(db, { id: "r-00000500" }, { limit: 50 }) },
  // `pinned` is true where g % 5 = 0: in none of user rec-42's records (g % 100 = 41), so every
  // record in scope is a miss (the field's index answers), and in all of rec-41's (the key-ordered
  // scan fills the page).
  {
    id: "records-field", name: "record browser by a field value, within a user",
    run: (db) => listRecords(db, { userId: "rec-42", field: { name: "pinned", value: "true" } }, { limit: 50 }),
  },
  {
    id: "records-field-common", name: "record browser by a field value every record of the user has",
    run: (db) => listRecords(db, { userId: "rec-41", field: { name: "pinned", value: "true" } }, { limit: 50 }),
  },
  {
    id: "records-field-all", name: "record browser by a field value across all users (one match)",
    run: (db) => listRecords(db, { field: { name: "content", value: `seeded memo 777 ${"call bob about the invoice ".repeat(8)}` } }, { limit: 50 }),
  },
  { id: "records-page", name: `record page (${VERSIONS} versions of history)`, run: (db) => getRecordOrThrow(db, HISTORY, { limit: 20 }) },
];

export function measureRecords(ctx: Ctx, runId: string): Promise<Row[]> {
  const { small, large, calls, rounds } = ctx.cfg.records;
  const count = (n: number) => n.toLocaleString("en");
  return measureSmallVsLarge(ctx, runId, {
    label: "records", dbSuffix: "rec", small, large, calls, rounds, seed: seedRecords,
    seeding: "records", queries: QUERIES, smallLabel: `${count(small)} records`,
    rowName: (q) => `Console: ${q.name}, ${count(large)} vs ${count(small)} records`,
  });
}
