// The append-only audit log: every state change made by a person or a device's resolution.
import type { DbOrTx } from "../db/client";
import type { Sql } from "../db/sql";
import { parsedJsonObject, toJsonInput } from "../db/json";

export type AuditActor = { type: "staff" | "device" | "system"; id: string };

export type AuditEntryInput = {
  actor: AuditActor;
  action: string;
  target: { type: string; id: string };
  /**
   * JSON: built from JSON values and from parsed record data, which the engine types loosely
   * (`RecordData`). Becomes `JsonObject` once record data is typed so.
   */
  details?: Record<string, unknown>;
};

export async function appendAudit(db: DbOrTx, entry: AuditEntryInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      actorType: entry.actor.type,
      actorId: entry.actor.id,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id,
      details: toJsonInput(parsedJsonObject(entry.details ?? {})),
    },
  });
}

/** The same entry, written in a change-log writer's transaction (server/sync/commit-bundle.ts). */
export async function appendAuditIn(sql: Sql, entry: AuditEntryInput): Promise<void> {
  await sql(
    "INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
    [entry.actor.type, entry.actor.id, entry.action, entry.target.type, entry.target.id, JSON.stringify(entry.details ?? {})],
  );
}
