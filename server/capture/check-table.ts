// The start-time check of a table-backed type's table (INTEGRATION.md section 3): it exists, its
// key is a single-column unique key, its stream column is NOT NULL, and every schema property is
// a column whose type holds the property's JSON without changing it (a push writes the data into
// the row and the flush reads it back: a lossy column would make every push look like an outside
// edit). A table that does not fit is a ConfigError naming the file, the type and the field.
import type { Sql } from "../db/sql";
import { ConfigError } from "../types/compile-types";
import type { JsonSchema, ResourceType, TableBinding } from "../types/resource-type";

type Column = { name: string; type: string; typname: string; category: string; not_null: boolean; has_default: boolean };

/**
 * What the flush and the push need to know about a checked table. `deferred`: its constraints
 * declared DEFERRABLE INITIALLY DEFERRED (and deferred foreign keys of other tables that point
 * at it), schema-qualified and quoted, which a device's item checks at once (write-item.ts).
 */
export type CheckedTable = TableBinding & { type: string; keyType: string; columns: string[]; deferred: string[] };

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The table's name as SQL (each part quoted). */
export const tableSql = (t: CheckedTable) => t.name.split(".").map(quoteIdent).join(".");

// Column types per JSON Schema type whose values round-trip exactly through jsonb.
const FITS: Record<string, (c: Column) => boolean> = {
  string: (c) => ["text", "varchar"].includes(c.typname),
  number: (c) => ["numeric", "float8"].includes(c.typname),
  integer: (c) => ["int2", "int4", "int8", "numeric"].includes(c.typname),
  boolean: (c) => c.typname === "bool",
  array: (c) => ["jsonb", "json"].includes(c.typname) || c.category === "A",
  object: (c) => ["jsonb", "json"].includes(c.typname),
};
const anyJson = (c: Column) => ["jsonb", "json"].includes(c.typname);

const COLUMNS = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname, t.typcategory AS category, a.attnotnull AS not_null,
    a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '' AS has_default
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
  WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`;

const UNIQUE_KEY = `
  SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
  WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL AND a.attname = $2`;

const DEFERRED = `
  SELECT DISTINCT format('%I.%I', n.nspname, c.conname) AS name
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
  WHERE (c.conrelid = to_regclass($1) OR c.confrelid = to_regclass($1)) AND c.condeferrable AND c.condeferred
  ORDER BY 1`;

export async function checkTable(sql: Sql, file: string, type: ResourceType & { table: TableBinding }): Promise<CheckedTable> {
  const { table } = type;
  const fail = (field: string, message: string) => new ConfigError(`${file}: type "${type.name}", field "table.${field}": ${message}`);
  const [found] = await sql<{ oid: string | null }>("SELECT to_regclass($1)::text AS oid", [table.name]);
  if (!found?.oid) throw fail("name", `table ${table.name} does not exist (the team's migrations create it)`);
  const columns = new Map((await sql<Column>(COLUMNS, [table.name])).map((c) => [c.name, c]));
  const key = columns.get(table.key);
  if (!key) throw fail("key", `table ${table.name} has no column ${table.key}`);
  if ((await sql(UNIQUE_KEY, [table.name, table.key])).length === 0) {
    throw fail("key", `column ${table.key} of ${table.name} is not its primary key or a unique key of that column alone`);
  }
  const stream = columns.get(table.streamColumn);
  if (!stream) throw fail("stream_column", `table ${table.name} has no column ${table.streamColumn}`);
  if (!stream.not_null) throw fail("stream_column", `column ${table.streamColumn} of ${table.name} must be NOT NULL`);
  const properties = Object.entries((type.jsonSchema.properties ?? {}) as Record<string, JsonSchema>);
  for (const [name, schema] of properties) {
    const column = columns.get(name);
    if (!column) throw fail("name", `table ${table.name} has no column ${name} for the schema's property "${name}"`);
    const kinds = jsonTypes(schema);
    const fits = kinds.length === 0 ? anyJson(column) : kinds.every((k) => (FITS[k] ?? anyJson)(column));
    if (!fits) {
      throw fail("name", `column ${name} of ${table.name} is ${column.type}, which cannot hold the schema's ${kinds.join(" or ") || "any JSON"} exactly`);
    }
  }
  const known = new Set([table.key, table.streamColumn, ...properties.map(([name]) => name)]);
  const unfillable = [...columns.values()].find((c) => !known.has(c.name) && c.not_null && !c.has_default);
  if (unfillable) throw fail("name", `column ${unfillable.name} of ${table.name} is NOT NULL without a default, and no property of the schema fills it`);
  const deferred = (await sql<{ name: string }>(DEFERRED, [table.name])).map((r) => r.name);
  return { ...table, type: type.name, keyType: key.type, columns: properties.map(([name]) => name), deferred };
}

/** The JSON Schema types of a property, `null` aside (a SQL NULL is an absent property). */
function jsonTypes(schema: JsonSchema): string[] {
  const declared = schema.type;
  const list = Array.isArray(declared) ? declared : typeof declared === "string" ? [declared] : [];
  return list.filter((t): t is string => typeof t === "string" && t !== "null");
}
