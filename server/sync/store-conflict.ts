// Storing an open conflict found by a push, with everything a person needs to decide. In the
// bundle's transaction, so the conflict exists exactly when the batch that found it does.
import { randomUUID } from "node:crypto";
import type { Sql } from "../db/sql";
import type { RecordData, RecordKey } from "./records";
import type { ConflictPolicy } from "../types/resource-type";

export type NewConflict = RecordKey & {
  userId: string;
  deviceRef: string;
  batchId: string;
  itemIndex: number;
  policy: ConflictPolicy;
  fields: string[];
  baseVersion: number | null;
  serverVersion: number;
  baseData: RecordData | null;
  serverData: RecordData | null;
  clientData: RecordData | null;
  clientAction: "create" | "update" | "delete";
  serverDeleted: boolean;
};

/** JSON text for a jsonb parameter; SQL NULL for null. */
const jsonb = (value: RecordData | null) => (value === null ? null : JSON.stringify(value));

export async function storeConflict(sql: Sql, c: NewConflict): Promise<string> {
  const id = randomUUID();
  await sql(
    `INSERT INTO conflicts (id, stream, type, record_id, user_id, device_ref, batch_id, item_index, policy, fields,
       base_version, server_version, base_data, server_data, client_data, client_action, server_deleted)
     VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7::uuid, $8::int, $9, $10::text[],
       $11::int, $12::int, $13::jsonb, $14::jsonb, $15::jsonb, $16, $17::boolean)`,
    [id, c.stream, c.type, c.id, c.userId, c.deviceRef, c.batchId, c.itemIndex, c.policy, c.fields,
      c.baseVersion, c.serverVersion, jsonb(c.baseData), jsonb(c.serverData), jsonb(c.clientData), c.clientAction, c.serverDeleted],
  );
  return id;
}
