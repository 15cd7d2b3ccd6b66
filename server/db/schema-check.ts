// Does the migrated database match prisma/schema.prisma? Migrations are written by hand (the
// schema engine is not available offline), so nothing else would notice when they drift apart.
// Both sides are reduced to one plain shape (tables, columns with PostgreSQL types as
// format_type() prints them, nullability, defaults, indexes by column list, foreign keys) and
// compared (schema-prisma.ts builds the schema's side). Used by
// test/schema-drift.integration.test.ts; reusable by a `db:check` command.
import type { SqlSession } from "./sql-session";

export type ColumnShape = { name: string; type: string; notNull: boolean; default: string | null };
export type IndexShape = { kind: "primary" | "unique" | "index"; columns: string[]; where?: string };
export type ForeignKeyShape = {
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
};
export type TableShape = {
  name: string;
  columns: ColumnShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
};
export type SchemaShape = { tables: TableShape[] };

/** A default that exists but whose expression Prisma leaves open (`dbgenerated()`, list literals). */
export const ANY_DEFAULT = "<any>";
/** Tables the migrator owns, not the schema. */
const INTERNAL_TABLES = new Set(["_prisma_migrations"]);

/** Shapes a default expression as pg_get_expr() prints it into what Prisma would write. */
export function normalizeDefault(expression: string): string {
  let text = expression.trim();
  if (/^nextval\(/i.test(text)) return "autoincrement()";
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(text)) return "now()";
  // Drop trailing casts ('open'::text, '{}'::jsonb, '-1'::integer), then one level of quoting.
  const cast = /::(?:"[^"]+"|[a-z_][\w ]*(?:\(\d+(?:,\d+)?\))?)(?:\[\])?$/i;
  while (cast.test(text)) text = text.replace(cast, "");
  const quoted = /^'(.*)'$/s.exec(text);
  return quoted?.[1] !== undefined ? quoted[1].replace(/''/g, "'") : text;
}

// The database -> shape, from pg_catalog (identical on PostgreSQL and PGlite).
const ACTIONS: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

type ColumnRow = { table: string; name: string; type: string; not_null: boolean; default: string | null };
type IndexRow = { table: string; primary: boolean; unique: boolean; columns: string[]; where: string | null };
type ForeignKeyRow = {
  table: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string; on_update: string;
};

export async function readDatabaseShape(session: SqlSession): Promise<SchemaShape> {
  const scope = `JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()`;
  const columns = await session.query<ColumnRow>(`
    SELECT c.relname::text AS table, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid ${scope}
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`);
  // Key columns by name; expressions (attnum 0) by their text, so they never match a Prisma index.
  const indexes = await session.query<IndexRow>(`
    SELECT c.relname::text AS table, x.indisprimary AS primary, x.indisunique AS unique,
           pg_get_expr(x.indpred, x.indrelid) AS where,
           (SELECT json_agg(CASE WHEN k.attnum > 0 THEN a.attname::text
                                 ELSE pg_get_indexdef(x.indexrelid, k.ord::int, true) END ORDER BY k.ord)
              FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= x.indnkeyatts) AS columns
      FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid ${scope}`);
  const foreignKeys = await session.query<ForeignKeyRow>(`
    SELECT c.relname::text AS table, r.relname::text AS ref_table,
           f.confdeltype::text AS on_delete, f.confupdtype::text AS on_update,
           (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(f.conkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.attnum) AS columns,
           (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(f.confkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.attnum) AS ref_columns
      FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid ${scope}
      JOIN pg_class r ON r.oid = f.confrelid
     WHERE f.contype = 'f'`);

  const names = [...new Set(columns.map((row) => row.table))].filter((name) => !INTERNAL_TABLES.has(name));
  const tables = names.map((name): TableShape => ({
    name,
    columns: columns
      .filter((row) => row.table === name)
      .map((row) => ({
        name: row.name,
        type: row.type,
        notNull: row.not_null,
        default: row.default === null ? null : normalizeDefault(row.default),
      })),
    indexes: indexes
      .filter((row) => row.table === name)
      .map((row) => ({
        kind: row.primary ? "primary" : row.unique ? "unique" : "index",
        columns: row.columns,
        ...(row.where === null ? {} : { where: row.where }),
      })),
    foreignKeys: foreignKeys
      .filter((row) => row.table === name)
      .map((row) => ({
        columns: row.columns,
        refTable: row.ref_table,
        refColumns: row.ref_columns,
        onDelete: ACTIONS[row.on_delete] ?? row.on_delete,
        onUpdate: ACTIONS[row.on_update] ?? row.on_update,
      })),
  }));
  return { tables };
}

// The comparison: every difference as one readable line; none means they agree.
const describeIndex = (i: IndexShape) =>
  `${i.kind === "index" ? "index" : i.kind === "unique" ? "unique index" : "primary key"} (${i.columns.join(", ")})${i.where ? ` WHERE ${i.where}` : ""}`;
const describeForeignKey = (f: ForeignKeyShape) =>
  `foreign key (${f.columns.join(", ")}) -> ${f.refTable} (${f.refColumns.join(", ")}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`;

/** Multiset difference, so a duplicated index counts as an extra one. */
function without(items: string[], remove: string[]): string[] {
  const left = [...remove];
  return items.filter((item) => {
    const at = left.indexOf(item);
    if (at === -1) return true;
    left.splice(at, 1);
    return false;
  });
}

function compareSets(where: string, expected: string[], actual: string[]): string[] {
  const missing = without(expected, actual);
  const extra = without(actual, expected);
  return [
    ...missing.map((item) => `${where}: ${item} is in schema.prisma but not in the database`),
    ...extra.map((item) => `${where}: ${item} is in the database but not in schema.prisma`),
  ];
}

export function compareSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const differences = compareSets("schema", expected.tables.map((t) => `table ${t.name}`), actual.tables.map((t) => `table ${t.name}`));
  for (const want of expected.tables) {
    const have = actual.tables.find((t) => t.name === want.name);
    if (!have) continue;
    const where = `table ${want.name}`;
    differences.push(...compareSets(where, want.columns.map((c) => `column ${c.name}`), have.columns.map((c) => `column ${c.name}`)));
    for (const column of want.columns) {
      const found = have.columns.find((c) => c.name === column.name);
      if (!found) continue;
      const at = `${where}, column ${column.name}`;
      if (found.type !== column.type) {
        differences.push(`${at}: type is ${found.type} in the database, ${column.type} in schema.prisma`);
      }
      if (found.notNull !== column.notNull) {
        const say = (notNull: boolean) => (notNull ? "NOT NULL" : "nullable");
        differences.push(`${at}: ${say(found.notNull)} in the database, ${say(column.notNull)} in schema.prisma`);
      }
      const anyDefault = column.default === ANY_DEFAULT && found.default !== null;
      if (!anyDefault && found.default !== column.default) {
        const say = (value: string | null) => (value === null ? "no default" : `default ${value}`);
        differences.push(`${at}: ${say(found.default)} in the database, ${say(column.default)} in schema.prisma`);
      }
    }
    differences.push(...compareSets(where, want.indexes.map(describeIndex), have.indexes.map(describeIndex)));
    differences.push(...compareSets(where, want.foreignKeys.map(describeForeignKey), have.foreignKeys.map(describeForeignKey)));
  }
  return differences;
}
