// The console's record browser: filtered by user, stream, type, id and one top-level field's
// value, in primary-key order (stream, type, id) and keyset paged on it, so a page costs an index
// range scan however many records there are (bench "Console").
import type { DbOrTx } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { RecordKey } from "../sync/records";
import { decodeRecordCursor, encodeRecordCursor } from "./cursor";
import { fieldValueCandidates } from "./field-value";
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
/** LIKE treats `%`, `_` and `\` as patterns: a searched id means its letters. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

async function whereOf(db: DbOrTx, filters: RecordFilters, cursor: RecordKey | null): Promise<Prisma.Sql[] | null> {
  const where: Prisma.Sql[] = [];
  if (filters.userId) {
    const streams = await listUserStreams(db, filters.userId);
    if (filters.stream && !streams.includes(filters.stream)) return null;
    where.push(Prisma.sql`stream = ANY(${streams}::text[])`);
  }
  if (filters.stream) where.push(Prisma.sql`stream = ${filters.stream}`);
  if (filters.type) where.push(Prisma.sql`type = ${filters.type}`);
  if (filters.id) where.push(Prisma.sql`id LIKE ${`${literal(filters.id)}%`}`);
  if (filters.field) {
    const [asString, asJson] = fieldValueCandidates(filters.field.value);
    const value = Prisma.sql`(data -> ${filters.field.name}::text)`;
    where.push(Prisma.sql`(${value} = ${asString}::jsonb OR ${value} = ${asJson}::jsonb)`);
  }
  if (filters.deleted !== undefined) where.push(Prisma.sql`deleted = ${filters.deleted}`);
  if (cursor) where.push(Prisma.sql`(stream, type, id) > (${cursor.stream}, ${cursor.type}, ${cursor.id})`);
  return where;
}

export async function listRecords(
  db: DbOrTx,
  filters: RecordFilters,
  page: { cursor?: string; limit: number },
): Promise<{ records: RecordSummary[]; nextCursor: string | null }> {
  const cursor = page.cursor ? decodeRecordCursor(page.cursor) : null;
  const where = await whereOf(db, filters, cursor);
  if (!where) return { records: [], nextCursor: null };
  const condition = where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const rows = await db.$queryRaw<Row[]>`
    SELECT stream, type, id, version, deleted, updated_at, left(data::text, ${PREVIEW_CHARS}::int) AS preview
    FROM records ${condition}
    ORDER BY stream, type, id
    LIMIT ${page.limit + 1}::int`;
  const records = rows.slice(0, page.limit).map((r) => ({
    stream: r.stream, type: r.type, id: r.id, version: Number(r.version), deleted: r.deleted, updatedAt: new Date(r.updated_at), preview: r.preview,
  }));
  const last = records.at(-1);
  return { records, nextCursor: rows.length > page.limit && last ? encodeRecordCursor(last) : null };
}
