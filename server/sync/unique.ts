// Unique fields of a resource type: among a stream's live records of that type, no two may share
// a value. Checked inside the push transaction, where the stream's head row lock serialises writers.
import type { Tx } from "../db/client";
import { ItemError } from "./item-error";
import type { RecordData, RecordKey } from "./records";
import type { ResourceType } from "./resource-types";

export async function checkUniqueFields(tx: Tx, type: ResourceType, key: RecordKey, data: RecordData): Promise<void> {
  for (const field of type.uniqueFields ?? []) {
    const value = JSON.stringify(data[field] ?? null);
    const clash = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM records
      WHERE stream = ${key.stream} AND type = ${key.type} AND id <> ${key.id} AND NOT deleted
        AND data -> ${field} = ${value}::jsonb
      LIMIT 1`;
    if (clash.length > 0) {
      throw new ItemError("unique_violation", `Another ${type.name} in this stream already has this ${field}`);
    }
  }
}
