// (7) Console records: the record browser and a record's page, called through their domain
// functions (server/records/list.ts, server/records/get.ts) on a database with `small` records and
// on one with `large`, interleaved; the ratio is large / small latency (target: within 2x). Records
// are spread over 100 users' own streams; one record per database has 20 versions in the log.
import type pg from "pg";
import { openDatabase, type Db } from "../../server/db/client";
import { getRecordOrThrow } from "../../server/records/get";
import { listRecords } from "../../server/records/list";
import { createDatabase, dropDatabase, openPool } from "../lib/db";
import { SQL_DOC } from "../lib/records";
import { now, quantile, summarize } from "../lib/stats";
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

type Query = { id: string; name: string; run: (db: Db) => Promise<unknown> };

const QUERIES: Query[] = [
  { id: "records-browse", name: "record browser (first page of 50)", run: (db) => listRecords(db, {}, { limit: 50 }) },
  { id: "records-user", name: "record browser filtered by user and type", run: (db) => listRecords(db, { userId: "rec-42", type: "meter" }, { limit: 50 }) },
  { id: "records-id", name: "record browser by record id", run: (db) => listRecords(db, { id: "r-00000500" }, { limit: 50 }) },
  {
    id: "records-field", name: "record browser by a field value, within a user",
    run: (db) => listRecords(db, { userId: "rec-42", field: { name: "pinned", value: "true" } }, { limit: 50 }),
  },
  { id: "records-page", name: `record page (${VERSIONS} versions of history)`, run: (db) => getRecordOrThrow(db, HISTORY, { limit: 20 }) },
];

export async function measureRecords(ctx: Ctx, runId: string): Promise<Row[]> {
  const { small, large, calls, rounds } = ctx.cfg.records;
  const names = [`syncdesk_bench_${runId}_rec_s`, `syncdesk_bench_${runId}_rec_l`];
  const dbs: { prisma: Db; close(): Promise<void> }[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const url = await createDatabase(name);
      const database = await openDatabase({ url });
      dbs.push(database);
      const seeder = openPool(url, 2);
      try {
        ctx.progress(`records: seeding ${(i === 0 ? small : large).toLocaleString("en")} records`);
        await seedRecords(seeder, i === 0 ? small : large);
      } finally {
        await seeder.end();
      }
    }
    const [smallDb, largeDb] = dbs.map((d) => d.prisma) as [Db, Db];
    const time = async (q: Query, db: Db) => {
      const times: number[] = [];
      for (let i = 0; i < calls; i++) {
        const t = now();
        await q.run(db);
        times.push(now() - t);
      }
      return quantile(times.sort((a, b) => a - b), 0.5);
    };
    const rows: Row[] = [];
    for (const q of QUERIES) {
      await time(q, smallDb);
      await time(q, largeDb);
      const s: number[] = [];
      const l: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? [[smallDb, s], [largeDb, l]] as const : [[largeDb, l], [smallDb, s]] as const;
        for (const [db, into] of order) into.push(await time(q, db));
      }
      ctx.progress(`records ${q.id}: ${summarize(s).median.toFixed(2)} ms vs ${summarize(l).median.toFixed(2)} ms`);
      rows.push({
        id: q.id, name: `Console: ${q.name}, ${large.toLocaleString("en")} vs ${small.toLocaleString("en")} records`, unit: "ms per call",
        value: summarize(l), reference: summarize(s), referenceLabel: `same call at ${small.toLocaleString("en")} records`,
        ratio: summarize(l.map((x, i) => x / (s[i] ?? NaN))), ratioLabel: "large / small", target: { op: "<=", value: 2 },
      });
    }
    return rows;
  } finally {
    for (const d of dbs) await d.close().catch(() => undefined);
    for (const name of names) await dropDatabase(name).catch(() => undefined);
  }
}
