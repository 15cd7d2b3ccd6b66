// The console's record browser: filtered by user, stream, type, id and one top-level field's
// value, in primary-key order (stream, type, id) and keyset paged on it, so a page costs an index
// range scan however many records there are (bench "Console").
import type { DbOrTx } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { RecordKey } from "../sync/records";
import { decodeRecordCursor, encodeRecordCursor } from "./cursor";
import { fieldContains, fieldEquals } from "./field-value";
import { listUserStreams } from "./user-streams";

export type RecordFilters = {
  userId?: string;
  stream?: string;
  type?: string;
  /** The start of the record id (the whole id finds that record). */
  id?: string;
  /** A top-level field and the value it must have exactly. */
  field?: { name: string; value: string };
  deleted?: boolean;
};

export type RecordSummary = RecordKey & { version: number; deleted: boolean; updatedAt: Date; preview: string };

type Row = { stream: string; type: string; id: string; version: number; deleted: boolean; updated_at: Date; preview: string };

const PREVIEW_CHARS = 160;
/**
 * With a field filter, the key-ordered scan reads this many records before the field's index takes
 * over: a value that common fills the page within them, where the index would have to collect and
 * sort every match first; a rarer one costs the index's few entries, not a scan of the scope.
 */
const FIELD_SCAN_ROWS = 500;
const COLUMNS = Prisma.sql`stream, type, id, version, deleted, updated_at, left(data::text, ${PREVIEW_CHARS}::int) AS preview`;
/** LIKE treats `%`, `_` and `\` as patterns: a searched id means its letters. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

type Where = { scope: Prisma.Sql[]; field: { equals: Prisma.Sql; contains: Prisma.Sql } | null };

async function whereOf(db: DbOrTx, filters: RecordFilters, cursor: RecordKey | null): Promise<Where | null> {
  const scope: Prisma.Sql[] = [];
  let streams: string[] | null = filters.stream ? [filters.stream] : null;
  if (filters.userId) {
    const own = await listUserStreams(db, filters.userId);
    if (filters.stream && !own.includes(filters.stream)) return null;
    streams ??= own;
    scope.push(Prisma.sql`stream = ANY(${own}::text[])`);
  }
  if (filters.stream) scope.push(Prisma.sql`stream = ${filters.stream}`);
  if (filters.type) scope.push(Prisma.sql`type = ${filters.type}`);
  if (filters.id) scope.push(Prisma.sql`id LIKE ${`${literal(filters.id)}%`}`);
  if (filters.deleted !== undefined) scope.push(Prisma.sql`deleted = ${filters.deleted}`);
  if (cursor) scope.push(Prisma.sql`(stream, type, id) > (${cursor.stream}, ${cursor.type}, ${cursor.id})`);
  const field = filters.field ? { equals: fieldEquals(filters.field), contains: fieldContains(filters.field, streams) } : null;
  return { scope, field };
}

const whereSql = (conditions: Prisma.Sql[]) => conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;

async function selectRows(db: DbOrTx, where: Where, take: number): Promise<Row[]> {
  if (!where.field) {
    return db.$queryRaw<Row[]>`SELECT ${COLUMNS} FROM records ${whereSql(where.scope)} ORDER BY stream, type, id LIMIT ${take}::int`;
  }
  // 1. The first records of the scope in key order, tested one by one.
  const scanned = await db.$queryRaw<Row[]>`
    SELECT ${COLUMNS} FROM (SELECT * FROM records ${whereSql(where.scope)} ORDER BY stream, type, id LIMIT ${FIELD_SCAN_ROWS}::int) AS first
    WHERE ${where.field.equals} ORDER BY stream, type, id LIMIT ${take}::int`;
  if (scanned.length >= take) return scanned;
  // 2. Not a full page there: the value is rare in the scope, and its index finds every match.
  return db.$queryRaw<Row[]>`
    SELECT ${COLUMNS} FROM records ${whereSql([...where.scope, where.field.contains, where.field.equals])}
    ORDER BY stream, type, id LIMIT ${take}::int`;
}

export async function listRecords(
  db: DbOrTx,
  filters: RecordFilters,
  page: { cursor?: string; limit: number },
): Promise<{ records: RecordSummary[]; nextCursor: string | null }> {
  const cursor = page.cursor ? decodeRecordCursor(page.cursor) : null;
  const where = await whereOf(db, filters, cursor);
  if (!where) return { records: [], nextCursor: null };
  const rows = await selectRows(db, where, page.limit + 1);
  const records = rows.slice(0, page.limit).map((r) => ({
    stream: r.stream, type: r.type, id: r.id, version: Number(r.version), deleted: r.deleted, updatedAt: new Date(r.updated_at), preview: r.preview,
  }));
  const last = records.at(-1);
  return { records, nextCursor: rows.length > page.limit && last ? encodeRecordCursor(last) : null };
}
