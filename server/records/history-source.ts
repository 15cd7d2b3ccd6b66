// Who wrote a version, from what the change log keeps: a device's push (the change's batch_id), a
// backend writer's server push (a batch of a service key's writer), a conflict resolution or staff
// restore (the `conflict` hint devices also receive; who restored it and why is in the audit log,
// not sent to devices), or, with neither, a server-side writer (an upload finishing its record).
// Looked up in bulk per page.
import { z } from "zod";
import { batchSourceOf } from "../batches/source";
import type { DbOrTx } from "../db/client";
import type { RecordKey } from "../sync/records";
import { recordTargetId } from "./audit-target";

export type VersionSource =
  | { kind: "device"; batchId: string; deviceRef: string | null; deviceId: string | null; userId: string | null; bundleId: number | null; replayed: boolean }
  | { kind: "resolution"; conflictId: string; resolution: string; by: string; staff: StaffRef | null }
  | { kind: "staff"; action: "restore" | "undelete"; restoredVersion: number | null; staff: StaffRef | null; reason: string | null }
  | { kind: "writer"; batchId: string; writerId: string; keyName: string; bundleId: number | null }
  | { kind: "server" };

export type StaffRef = { id: string; email: string };

const ZHint = z.looseObject({
  reason: z.string().optional(),
  conflict_id: z.string().optional(),
  restored_version: z.number().optional(),
});
const ZRestoreAudit = z.looseObject({ record_version: z.number(), reason: z.string().optional() });
type Hint = z.infer<typeof ZHint>;

export type ChangeForSource = { version: number; batchId: string | null; conflict: unknown };

export const parseHint = (hint: unknown): Hint | null => (hint ? (ZHint.safeParse(hint).data ?? null) : null);

/** The source of each change, in order. */
export async function attributeChanges(db: DbOrTx, key: RecordKey, changes: ChangeForSource[]): Promise<VersionSource[]> {
  const hints = changes.map((c) => parseHint(c.conflict));
  const batchIds = [...new Set(changes.flatMap((c) => (c.batchId ? [c.batchId] : [])))];
  const conflictIds = [...new Set(hints.flatMap((h, i) => (!changes[i]?.batchId && h?.conflict_id && z.uuid().safeParse(h.conflict_id).success ? [h.conflict_id] : [])))];
  const restores = hints.some((h) => h?.reason === "staff_restore");
  const [batches, conflicts, audits] = await Promise.all([
    db.syncBatch.findMany({
      where: { id: { in: batchIds } },
      select: { id: true, userId: true, bundleId: true, deviceRef: true, device: { select: { deviceId: true, platform: true } }, _count: { select: { attempts: true } } },
    }),
    db.conflict.findMany({ where: { id: { in: conflictIds } }, select: { id: true, resolution: true, resolvedBy: true } }),
    restores
      ? db.auditEntry.findMany({
        where: { targetType: "record", targetId: recordTargetId(key), action: { in: ["record.restore", "record.undelete"] } },
        select: { action: true, actorId: true, details: true },
      })
      : [],
  ]);
  const restoreByVersion = new Map(audits.flatMap((a) => {
    const details = ZRestoreAudit.safeParse(a.details);
    return details.success ? [[details.data.record_version, { staffId: a.actorId, reason: details.data.reason ?? null, action: a.action }] as const] : [];
  }));
  const staffIds = [
    ...[...restoreByVersion.values()].map((r) => r.staffId),
    ...conflicts.flatMap((c) => (c.resolvedBy?.startsWith("staff:") ? [c.resolvedBy.slice("staff:".length)] : [])),
  ].filter((id) => z.uuid().safeParse(id).success);
  const staff = await db.staffUser.findMany({ where: { id: { in: [...new Set(staffIds)] } }, select: { id: true, email: true } });
  const batchById = new Map(batches.map((b) => [b.id, b]));
  const conflictById = new Map(conflicts.map((c) => [c.id, c]));
  const staffById = new Map(staff.map((s) => [s.id, s]));

  return changes.map((change, i): VersionSource => {
    const hint = hints[i] ?? null;
    if (change.batchId) {
      const batch = batchById.get(change.batchId);
      // The team's backend through a service key (server/sync/server-push.ts): not a phone.
      const writer = batch ? batchSourceOf(batch.device, batch.userId) : null;
      if (batch && writer?.kind === "server") {
        return { kind: "writer", batchId: change.batchId, writerId: writer.writerId, keyName: writer.keyName, bundleId: Number(batch.bundleId) };
      }
      return {
        kind: "device", batchId: change.batchId, deviceRef: batch?.deviceRef ?? null, deviceId: batch?.device.deviceId ?? null,
        userId: batch?.userId ?? null, bundleId: batch ? Number(batch.bundleId) : null, replayed: (batch?._count.attempts ?? 0) > 0,
      };
    }
    if (hint?.reason === "staff_restore") {
      const audit = restoreByVersion.get(change.version);
      return {
        kind: "staff", action: audit?.action === "record.undelete" ? "undelete" : "restore", restoredVersion: hint.restored_version ?? null,
        staff: (audit && staffById.get(audit.staffId)) ?? null, reason: audit?.reason ?? null,
      };
    }
    if (hint?.conflict_id) {
      const conflict = conflictById.get(hint.conflict_id);
      const by = conflict?.resolvedBy ?? "unknown";
      return {
        kind: "resolution", conflictId: hint.conflict_id, resolution: conflict?.resolution ?? hint.reason ?? "unknown", by,
        staff: by.startsWith("staff:") ? (staffById.get(by.slice("staff:".length)) ?? null) : null,
      };
    }
    return { kind: "server" };
  });
}
