// The sequencer's read (sequence.ts): the next committed outside transactions of capture_log, in
// commit order, each with the final state of every row it wrote.
//
// Order: a transaction comes after every transaction whose effects it saw or overwrote, because
// the statement that did so staged its log row (a sequence value) after that transaction had
// committed. So transactions are taken by their last log id. A batch is the first log rows by id
// that wrote at most `limit` rows (at least one log row), less any transaction with a log row
// beyond them (it sorts after every complete one anyway); a single transaction larger than a
// batch is taken whole.
import type { Sql } from "../db/sql";
import type { RecordData } from "../sync/records";

/** A row's state after a transaction: stream null when the row is gone. */
export type RowEvent = { type: string; id: string; stream: string | null; data: RecordData | null };

export type LoggedTransaction = { role: string; logIds: string[]; rows: RowEvent[] };

// Each image becomes the record's id, stream and data exactly as the commit-time flush reads a
// row (syncdesk_capture_read): the schema's columns, SQL NULL as an absent property. Id and stream
// are read in SQL (its text form of any key type); the data is cut from the image here, because
// doing it in SQL (jsonb_each, jsonb_object_agg) cost the database 50-60 us a row, more than all
// the rest of the read. A type no longer captured yields no rows (its log rows are still taken,
// and deleted).
const rowsWhere = (where: string) => `
  SELECT l.id::text AS log_id, l.xid::text AS xid, l.role, l.type, x.id, x.stream, x.image
  FROM capture_log l
  LEFT JOIN capture_tables c ON c.type = l.type
  LEFT JOIN LATERAL (
    SELECT r ->> c.key_column AS id, c.stream_prefix || (r ->> c.stream_column) AS stream, r AS image
    FROM jsonb_array_elements(coalesce(l.rows, '[]')) r
    UNION ALL SELECT g, NULL, NULL FROM unnest(l.gone) g
  ) x ON c.type IS NOT NULL
  WHERE ${where}
  ORDER BY l.id`;

const HEAD = rowsWhere(`l.id IN (SELECT id FROM (
  SELECT id, sum(n) OVER (ORDER BY id) - n AS before FROM capture_log ORDER BY id LIMIT $1) f WHERE f.before < $1)`);
const BEYOND = "SELECT DISTINCT xid::text FROM capture_log WHERE id > $1::bigint AND xid = ANY($2::bigint[])";
const FIRST = rowsWhere("l.xid = (SELECT xid FROM capture_log GROUP BY xid ORDER BY max(id) LIMIT 1)");

type Row = { log_id: string; xid: string; role: string; type: string; id: string | null; stream: string | null; image: Record<string, unknown> | null };

/** The next complete transactions of the log (about `limit` rows written), oldest first. */
export async function readLoggedTransactions(sql: Sql, limit: number): Promise<LoggedTransaction[]> {
  const head = await sql<Row>(HEAD, [limit]);
  const cut = head.at(-1)?.log_id;
  if (cut === undefined) return [];
  const xids = [...new Set(head.map((r) => r.xid))];
  const beyond = new Set((await sql<{ xid: string }>(BEYOND, [cut, xids])).map((r) => r.xid));
  const complete = head.filter((r) => !beyond.has(r.xid));
  const columns = new Map((await sql<{ type: string; columns: string[] }>("SELECT type, columns FROM capture_tables")).map((t) => [t.type, t.columns]));
  const transactions = group(complete.length > 0 ? complete : await sql<Row>(FIRST), columns);
  return [...transactions.values()].sort((a, b) => compareIds(a.last, b.last));
}

const compareIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/** Rows in log id order, by transaction, each transaction with its last log id. */
function group(rows: Row[], columns: Map<string, string[]>): Map<string, LoggedTransaction & { last: string }> {
  const byXid = new Map<string, LoggedTransaction & { last: string }>();
  for (const row of rows) {
    const tx = byXid.get(row.xid) ?? { role: row.role, logIds: [], rows: [], last: row.log_id };
    byXid.set(row.xid, tx);
    if (tx.logIds.at(-1) !== row.log_id) tx.logIds.push(row.log_id);
    tx.last = row.log_id;
    if (row.id !== null) tx.rows.push({ type: row.type, id: row.id, stream: row.stream, data: row.image && dataOf(row.image, columns.get(row.type) ?? []) });
  }
  return byXid;
}

/** The record data of a row image: the schema's columns that are not SQL NULL (own properties, even `__proto__`). */
function dataOf(image: Record<string, unknown>, columns: string[]): RecordData {
  return Object.fromEntries(columns.flatMap((column) => {
    const value = image[column];
    return value === null || value === undefined ? [] : [[column, value]];
  }));
}
