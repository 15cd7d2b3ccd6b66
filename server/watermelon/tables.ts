// Which WatermelonDB tables sync with which resource types, and how a raw Watermelon record maps
// to record data. Watermelon columns hold strings, numbers and booleans only: array and object
// fields travel as JSON text (the app reads them with Watermelon's @json decorator). The column
// lists are also the whitelist of what a client may write (WatermelonDB's backend contract).
import type { RecordData } from "../sync/records";

export type WatermelonTable = {
  /** The resource type (server/sync/resource-types.ts) the table's records are. */
  type: string;
  /** Scalar columns, copied as they are. */
  columns: readonly string[];
  /** Columns holding JSON text of an array or object field. */
  json?: readonly string[];
};

export const WATERMELON_TABLES: Record<string, WatermelonTable> = {
  memos: { type: "memo", columns: ["content", "pinned"], json: ["tags"] },
  diaries: { type: "diary", columns: ["date", "mood", "summary"] },
  noots: { type: "noot", columns: ["title"], json: ["activities"] },
  submissions: { type: "submission", columns: ["form_id", "form_version", "status"], json: ["data"] },
  meters: { type: "meter", columns: ["code", "reading", "unit"] },
};

/**
 * Our timestamps are stream positions: WatermelonDB's `timestamp` is the head seq + 1 (it must not
 * be 0, even for an empty stream), so `last_pulled_at` t means "every change with seq >= t".
 */
export const timestampOf = (headSeq: number): number => headSeq + 1;
export const positionOf = (lastPulledAt: number): number => Math.max(0, lastPulledAt - 1);

/** A device id for Watermelon clients that do not send X-Device-Id. */
export const WATERMELON_DEVICE = "watermelondb";

export function getWatermelonTable(name: string): WatermelonTable | undefined {
  return Object.hasOwn(WATERMELON_TABLES, name) ? WATERMELON_TABLES[name] : undefined;
}

export function tableOfType(type: string): string | undefined {
  return Object.entries(WATERMELON_TABLES).find(([, t]) => t.type === type)?.[0];
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
