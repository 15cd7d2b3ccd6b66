// Which WatermelonDB tables sync with which resource types, and how a raw Watermelon record maps
// to record data. Both come from the app's config: a type's `watermelon.table` names the table and
// its schema's properties are the columns. Watermelon columns hold strings, numbers and booleans
// only: array and object fields travel as JSON text (the app reads them with Watermelon's @json
// decorator). The column lists are also the whitelist of what a client may write (WatermelonDB's
// backend contract).
import type { RecordData } from "../sync/records";
import { listTypes } from "../types/registry";
import type { JsonSchema, ResourceType } from "../types/resource-type";

export type WatermelonTable = {
  /** The resource type the table's records are. */
  type: string;
  /** Scalar columns, copied as they are. */
  columns: readonly string[];
  /** Columns holding JSON text of an array or object field. */
  json?: readonly string[];
};

const SCALARS = new Set(["string", "number", "integer", "boolean", "null"]);

// Derived once per compiled type (a restart with a new config compiles new ones).
const derived = new WeakMap<ResourceType, WatermelonTable>();

function tableOf(type: ResourceType): WatermelonTable {
  const known = derived.get(type);
  if (known) return known;
  const table = deriveTable(type);
  derived.set(type, table);
  return table;
}

/** A table's columns: scalar properties as they are, the others (arrays, objects, unions) as JSON text. */
function deriveTable(type: ResourceType): WatermelonTable {
  const properties = Object.entries((type.jsonSchema.properties ?? {}) as Record<string, JsonSchema>);
  const scalar = ([, schema]: [string, JsonSchema]) => {
    const declared = [schema.type ?? (Array.isArray(schema.enum) ? "string" : "object")].flat();
    return declared.every((t) => typeof t === "string" && SCALARS.has(t));
  };
  return {
    type: type.name,
    columns: properties.filter(scalar).map(([name]) => name),
    json: properties.filter((p) => !scalar(p)).map(([name]) => name),
  };
}

/** table name -> table, for every type the config gives a `watermelon.table`. */
export function watermelonTables(): Record<string, WatermelonTable> {
  return Object.fromEntries(listTypes().flatMap((t) => (t.watermelonTable ? [[t.watermelonTable, tableOf(t)]] : [])));
}

/** A device id for Watermelon clients that do not send X-Device-Id. */
export const WATERMELON_DEVICE = "watermelondb";

export function getWatermelonTable(name: string): WatermelonTable | undefined {
  const tables = watermelonTables();
  return Object.hasOwn(tables, name) ? tables[name] : undefined;
}

export function tableOfType(type: string): string | undefined {
  return listTypes().find((t) => t.name === type)?.watermelonTable ?? undefined;
}

export type RawRecord = { id: string } & Record<string, string | number | boolean | null>;

export function toRawRecord(table: WatermelonTable, id: string, data: RecordData): RawRecord {
  const raw: RawRecord = { id };
  for (const column of table.columns) {
    const value = data[column];
    raw[column] = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null;
  }
  for (const column of table.json ?? []) raw[column] = data[column] === undefined ? null : JSON.stringify(data[column]);
  return raw;
}

/** Record data from a raw record: whitelisted columns only (`_status`, `_changed` and others dropped). */
export function fromRawRecord(table: WatermelonTable, raw: Record<string, unknown>): RecordData {
  const data: RecordData = {};
  for (const column of table.columns) if (column in raw) data[column] = raw[column];
  for (const column of table.json ?? []) {
    const value = raw[column];
    if (typeof value !== "string") continue;
    try {
      data[column] = JSON.parse(value) as unknown;
    } catch {
      data[column] = value; // not JSON: the type's schema refuses it as invalid data
    }
  }
  return data;
}
