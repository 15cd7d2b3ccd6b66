// Revoking and restoring a device (operators, from the console). A revoked device gets 403
// device_revoked on its next request (ensureDevice). The change and its audit entry commit together;
// repeating either action changes nothing and records nothing.
import { z } from "zod";
import { appendAudit } from "../audit/append";
import type { Db, Tx } from "../db/client";
import { AppError } from "../errors";
import type { StaffIdentity } from "../staff/accounts";

export type RevokeOutcome = { id: string; revokedAt: Date | null; changed: boolean };

export function revokeDevice(db: Db, actor: StaffIdentity, id: string): Promise<RevokeOutcome> {
  return db.$transaction((tx) => setRevoked(tx, actor, id, true));
}

export function restoreDevice(db: Db, actor: StaffIdentity, id: string): Promise<RevokeOutcome> {
  return db.$transaction((tx) => setRevoked(tx, actor, id, false));
}

async function setRevoked(tx: Tx, actor: StaffIdentity, id: string, revoke: boolean): Promise<RevokeOutcome> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", `No device ${id}`);
  // The row lock makes a concurrent revoke and restore take turns, so the audit's "before" is true.
  const [device] = await tx.$queryRaw<{ revoked_at: Date | null; user_id: string; device_id: string }[]>`
    SELECT revoked_at, user_id, device_id FROM devices WHERE id = ${id}::uuid FOR UPDATE`;
  if (!device) throw new AppError("not_found", `No device ${id}`);
  const before = device.revoked_at;
  if (revoke === (before !== null)) return { id, revokedAt: before, changed: false };
  const after = revoke ? new Date() : null;
  await tx.device.update({ where: { id }, data: { revokedAt: after } });
  await appendAudit(tx, {
    actor: { type: "staff", id: actor.id },
    action: revoke ? "device.revoke" : "device.restore",
    target: { type: "device", id },
    details: {
      actor_email: actor.email,
      user_id: device.user_id,
      device_id: device.device_id,
      before: { revoked_at: before?.toISOString() ?? null },
      after: { revoked_at: after?.toISOString() ?? null },
    },
  });
  return { id, revokedAt: after, changed: true };
}
