// The service keys for the admin's console page: each key's summary (never its hash) with who
// created it readable. Keys record their creator as "<actor type>:<id>"; a staff creator is shown
// by email, anything else (the key:create script) as it is.
import { z } from "zod";
import type { Db } from "../db/client";
import { listServiceKeys, type ServiceKeySummary } from "./service-keys";

export type ConsoleServiceKey = ServiceKeySummary & { createdByLabel: string };

const STAFF_PREFIX = "staff:";

export async function listServiceKeysForConsole(db: Db): Promise<ConsoleServiceKey[]> {
  const keys = await listServiceKeys(db);
  const staffIds = [...new Set(keys.map((k) => k.createdBy))]
    .filter((by) => by.startsWith(STAFF_PREFIX))
    .map((by) => by.slice(STAFF_PREFIX.length))
    .filter((id) => z.uuid().safeParse(id).success);
  const staff = staffIds.length ? await db.staffUser.findMany({ where: { id: { in: staffIds } }, select: { id: true, email: true } }) : [];
  const emailOf = new Map(staff.map((s) => [`${STAFF_PREFIX}${s.id}`, s.email]));
  return keys.map((k) => ({ ...k, createdByLabel: emailOf.get(k.createdBy) ?? k.createdBy }));
}
