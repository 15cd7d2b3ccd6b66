// Unique fields of a resource type: among a stream's live records of that type, no two may share
// a value. Checked inside the writing transaction, where the stream's head row lock serialises
// writers; records staged earlier in the same bundle count with their staged state.
import type { Sql } from "../db/sql";
import type { Bundle } from "./bundle";
import { jsonEqual } from "./canonical";
import { ItemError } from "./item-error";
import type { RecordData, RecordKey } from "./records";
import type { ResourceType } from "../types/resource-type";

export async function checkUniqueFields(
  sql: Sql, type: ResourceType, key: RecordKey, data: RecordData, bundle?: Bundle,
): Promise<void> {
  const fields = type.uniqueFields ?? [];
  if (fields.length === 0) return;
  const staged = [...(bundle?.stagedRecords() ?? [])].filter((r) => r.stream === key.stream && r.type === key.type && r.id !== key.id);
  const stagedIds = staged.map((r) => r.id);
  for (const field of fields) {
    const value = data[field] ?? null;
    const clashStaged = staged.some((r) => !r.deleted && jsonEqual(r.data[field] ?? null, value));
    const clash = clashStaged || (await sql(
      `SELECT id FROM records
       WHERE stream = $1 AND type = $2 AND id <> $3 AND NOT deleted AND NOT (id = ANY($4::text[])) AND data -> $5 = $6::jsonb
       LIMIT 1`,
      [key.stream, key.type, key.id, stagedIds, field, JSON.stringify(value)])).length > 0;
    if (clash) throw new ItemError("unique_violation", `Another ${type.name} in this stream already has this ${field}`);
  }
}
