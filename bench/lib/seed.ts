// Big data sets seeded with raw SQL (generate_series): change-log history and current records in
// one stream, bundles of 100 consecutive seqs sharing a batch id as a push would write them.
import type pg from "pg";
import { SQL_DOC } from "./records";

export async function ensureStream(db: pg.Pool, stream: string): Promise<void> {
  await db.query("INSERT INTO streams (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [stream]);
}

export async function setHead(db: pg.Pool, stream: string, head: number): Promise<void> {
  await db.query("UPDATE streams SET head_seq = $2, updated_at = now() WHERE name = $1", [stream, head]);
}

/** Appends changes with seqs from..to (inclusive) to `stream`, in chunks so no statement is huge. */
export async function seedChanges(db: pg.Pool, stream: string, from: number, to: number): Promise<void> {
  await ensureStream(db, stream);
  const chunk = 500_000;
  for (let start = from; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    await db.query(
      `INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, batch_id)
       SELECT $1, g, 'memo', 'r-' || g, 'upsert', 1, ${SQL_DOC("g")},
              timestamptz '2026-11-01' + g * interval '1 millisecond', md5($1 || ((g - 1) / 100))::uuid
       FROM generate_series($2::bigint, $3::bigint) AS g`,
      [stream, start, end],
    );
  }
  await setHead(db, stream, to);
}

/** `count` live records in `stream` (last_seq 1..count), the stream head at `count`. */
export async function seedRecords(db: pg.Pool, stream: string, count: number): Promise<void> {
  await ensureStream(db, stream);
  const chunk = 250_000;
  for (let start = 1; start <= count; start += chunk) {
    const end = Math.min(count, start + chunk - 1);
    await db.query(
      `INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
       SELECT $1, 'memo', 'r-' || lpad(g::text, 8, '0'), 1, d, false,
              'sha256:' || encode(sha256(convert_to(d::text, 'UTF8')), 'hex'),
              timestamptz '2026-11-01' + g * interval '1 millisecond', g
       FROM generate_series($2::bigint, $3::bigint) AS g, LATERAL (SELECT ${SQL_DOC("g")} AS d) AS x`,
      [stream, start, end],
    );
  }
  await setHead(db, stream, count);
}

export async function analyze(db: pg.Pool, ...tables: string[]): Promise<void> {
  for (const table of tables) await db.query(`ANALYZE ${table}`);
}
