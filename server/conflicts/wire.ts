// The wire shape of a stored conflict (device API; the console reuses it).
import { z } from "zod";
import type { Conflict } from "../db/generated/client";

export const ZConflict = z.object({
  id: z.string(),
  stream: z.string(),
  type: z.string(),
  record_id: z.string(),
  status: z.enum(["open", "resolved"]),
  policy: z.string(),
  fields: z.array(z.string()),
  base_version: z.number().int().nullable(),
  server_version: z.number().int(),
  base_data: z.record(z.string(), z.unknown()).nullable(),
  server_data: z.record(z.string(), z.unknown()).nullable(),
  client_data: z.record(z.string(), z.unknown()).nullable(),
  client_action: z.enum(["create", "update", "delete"]),
  server_deleted: z.boolean(),
  batch_id: z.string().nullable(),
  item_index: z.number().int().nullable(),
  resolution: z.string().nullable(),
  resolved_data: z.record(z.string(), z.unknown()).nullable(),
  resolved_by: z.string().nullable(),
  resolved_at: z.string().nullable(),
  created_at: z.string(),
});
export type TConflict = z.infer<typeof ZConflict>;

type Data = Record<string, unknown> | null;

export function toWireConflict(row: Conflict): TConflict {
  return {
    id: row.id,
    stream: row.stream,
    type: row.type,
    record_id: row.recordId,
    status: row.status === "resolved" ? "resolved" : "open",
    policy: row.policy,
    fields: row.fields,
    base_version: row.baseVersion,
    server_version: row.serverVersion,
    base_data: row.baseData as Data,
    server_data: row.serverData as Data,
    client_data: row.clientData as Data,
    client_action: row.clientAction as TConflict["client_action"],
    server_deleted: row.serverDeleted,
    batch_id: row.batchId,
    item_index: row.itemIndex,
    resolution: row.resolution,
    resolved_data: row.resolvedData as Data,
    resolved_by: row.resolvedBy,
    resolved_at: row.resolvedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
