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

const COMPLETE = `
  WITH first AS (SELECT id, xid, sum(n) OVER (ORDER BY id) - n AS before FROM capture_log ORDER BY id LIMIT $1),
  head AS (SELECT id, xid FROM first WHERE before < $1), cut AS (SELECT max(id) AS m FROM head)
  SELECT h.xid::text FROM head h GROUP BY h.xid
  HAVING NOT EXISTS (SELECT 1 FROM capture_log l, cut WHERE l.xid = h.xid AND l.id > cut.m)`;

const FIRST = "SELECT xid::text FROM capture_log GROUP BY xid ORDER BY max(id) LIMIT 1";

// Each image becomes the record's id, stream and data exactly as the commit-time flush reads a
// row (syncdesk_capture_read): the schema's columns, SQL NULL as an absent property. A type no
// longer captured yields no rows (its log rows are still taken, and deleted).
const ROWS = `
  SELECT max(l.id) OVER (PARTITION BY l.xid) AS last, l.id::text AS log_id, l.role, l.type, x.id, x.stream, x.data
  FROM capture_log l
  LEFT JOIN capture_tables c ON c.type = l.type
  LEFT JOIN LATERAL (
    SELECT r ->> c.key_column AS id, c.stream_prefix || (r ->> c.stream_column) AS stream,
      (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}') FROM jsonb_each(r) e WHERE e.key = ANY(c.columns) AND e.value <> 'null') AS data
    FROM jsonb_array_elements(coalesce(l.rows, '[]')) r
    UNION ALL SELECT g, NULL, NULL FROM unnest(l.gone) g
  ) x ON c.type IS NOT NULL
  WHERE l.xid = ANY($1::bigint[])
  ORDER BY 1, l.id`;

type Row = { last: string | bigint; log_id: string; role: string; type: string; id: string | null; stream: string | null; data: RecordData | null };

/** The next complete transactions of the log (about `limit` rows written), oldest first. */
export async function readLoggedTransactions(sql: Sql, limit: number): Promise<LoggedTransaction[]> {
  let xids = (await sql<{ xid: string }>(COMPLETE, [limit])).map((r) => r.xid);
  if (xids.length === 0) xids = (await sql<{ xid: string }>(FIRST)).map((r) => r.xid);
  if (xids.length === 0) return [];
  const transactions: LoggedTransaction[] = [];
  let current: (LoggedTransaction & { last: string | bigint }) | undefined;
  for (const row of await sql<Row>(ROWS, [xids])) {
    if (current?.last !== row.last) {
      current = { last: row.last, role: row.role, logIds: [], rows: [] };
      transactions.push(current);
    }
    if (current.logIds.at(-1) !== row.log_id) current.logIds.push(row.log_id);
    if (row.id !== null) current.rows.push({ type: row.type, id: row.id, stream: row.stream, data: row.data });
  }
  return transactions;
}
