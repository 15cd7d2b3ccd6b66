// A conflict row read and closed inside a change-log writer's transaction (resolve.ts), in the
// ORM's shape so the wire mapping (wire.ts) is shared with the console's reads.
import type { Sql } from "../db/sql";
import type { Conflict } from "../db/generated/client";
import type { RecordData } from "../sync/records";

const COLUMNS = `id, stream, type, record_id AS "recordId", user_id AS "userId", device_ref AS "deviceRef",
  batch_id AS "batchId", item_index AS "itemIndex", policy, status, COALESCE(fields, ARRAY[]::text[]) AS fields,
  base_version AS "baseVersion", server_version AS "serverVersion", base_data AS "baseData", server_data AS "serverData",
  client_data AS "clientData", client_action AS "clientAction", server_deleted AS "serverDeleted", resolution,
  resolved_data AS "resolvedData", resolved_by AS "resolvedBy", resolved_at AS "resolvedAt", created_at AS "createdAt"`;

/** The stream of conflict `id` when `streams` (null: all) may see it. */
export async function findConflictStream(sql: Sql, id: string, streams: string[] | null): Promise<string | null> {
  const [row] = await sql<{ stream: string }>(
    "SELECT stream FROM conflicts WHERE id = $1::uuid AND ($2::text[] IS NULL OR stream = ANY($2::text[]))", [id, streams]);
  return row?.stream ?? null;
}

export async function getConflictRow(sql: Sql, id: string): Promise<Conflict | null> {
  const [row] = await sql<Conflict>(`SELECT ${COLUMNS} FROM conflicts WHERE id = $1::uuid`, [id]);
  return row ?? null;
}

export type ConflictClosing = { resolution: string; resolvedData: RecordData | null; resolvedBy: string };

export async function closeConflictRow(sql: Sql, id: string, closing: ConflictClosing): Promise<Conflict> {
  const [row] = await sql<Conflict>(
    `UPDATE conflicts SET status = 'resolved', resolution = $2, resolved_data = $3::jsonb, resolved_by = $4, resolved_at = now()
     WHERE id = $1::uuid RETURNING ${COLUMNS}`,
    [id, closing.resolution, closing.resolvedData === null ? null : JSON.stringify(closing.resolvedData), closing.resolvedBy]);
  if (!row) throw new Error(`conflict ${id} vanished while it was locked`);
  return row;
}
