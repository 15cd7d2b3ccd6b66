// The append-only audit log: every state change made by a person or a device's resolution.
import type { DbOrTx } from "../db/client";
import type { Prisma } from "../db/generated/client";

export type AuditActor = { type: "staff" | "device" | "system"; id: string };

export type AuditEntryInput = {
  actor: AuditActor;
  action: string;
  target: { type: string; id: string };
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
      details: (entry.details ?? {}) as Prisma.InputJsonValue,
    },
  });
}
