// A stored conflict row in its wire shape (ZConflict of @syncdesk/protocol; the console reuses it).
import type { Conflict } from "../db/generated/client";
import type { TConflict } from "@syncdesk/protocol";

export type { TConflict };

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
