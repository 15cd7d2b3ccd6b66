// The console always keeps an enabled admin: nobody could manage staff otherwise. Every change that
// could remove one (disable, demote) locks the enabled admins first, so two admins demoting each
// other at once cannot both succeed.
import type { Tx } from "../db/client";
import { AppError } from "../errors";

export async function assertAnotherAdminRemains(tx: Tx, targetId: string): Promise<void> {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`;
  if (admins.some((a) => a.id === targetId) && admins.length <= 1) {
    throw new AppError("conflict", "This is the last enabled admin: make another account admin first");
  }
}
