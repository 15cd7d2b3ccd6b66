// Console-wide settings an admin changes (one row, absent until the first change): for now,
// whether every account that logs in with a password must use a second factor.
import { appendAudit } from "../audit/append";
import type { Db, DbOrTx } from "../db/client";
import type { StaffIdentity } from "./accounts";

export type ConsoleSettings = { requireTwoFactor: boolean };

const SETTINGS_ID = 1;

export async function getConsoleSettings(db: DbOrTx): Promise<ConsoleSettings> {
  const row = await db.consoleSettings.findUnique({ where: { id: SETTINGS_ID }, select: { requireTwoFactor: true } });
  return { requireTwoFactor: row?.requireTwoFactor ?? false };
}

export async function setRequireTwoFactor(db: Db, actor: StaffIdentity, required: boolean): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    const before = await getConsoleSettings(tx);
    if (before.requireTwoFactor === required) return { changed: false };
    await tx.consoleSettings.upsert({
      where: { id: SETTINGS_ID },
      create: { id: SETTINGS_ID, requireTwoFactor: required },
      update: { requireTwoFactor: required, updatedAt: new Date() },
    });
    await appendAudit(tx, {
      actor: { type: "staff", id: actor.id }, action: "settings.require_two_factor", target: { type: "settings", id: "console" },
      details: { before: before.requireTwoFactor, after: required },
    });
    return { changed: true };
  });
}
