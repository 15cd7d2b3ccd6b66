// Reading the audit log for the console: filtered, newest first, keyset paged by id (ids only
// grow, so a page is stable while new entries arrive).
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";

export type AuditQuery = {
  actorType?: string;
  actorId?: string;
  /** An exact action ("conflict.resolve") or a prefix ending in a dot ("conflict."). */
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Entries of the last this many hours (with `from`, the later start wins). */
  sinceHours?: number;
  limit: number;
  /** The id of the last entry of the previous page. */
  cursor?: string;
};

export type AuditRow = {
  id: string;
  at: Date;
  actor: { type: string; id: string; label: string };
  action: string;
  target: { type: string; id: string };
  details: unknown;
};

export type AuditPage = { rows: AuditRow[]; nextCursor: string | null };

function decodeCursor(cursor: string): bigint {
  if (!/^[1-9]\d{0,18}$/.test(cursor)) throw new AppError("invalid_request", "The cursor is invalid");
  return BigInt(cursor);
}

/** Staff actors are shown by email; devices and the system by their id. */
async function actorLabels(db: DbOrTx, rows: { actorType: string; actorId: string }[]): Promise<Map<string, string>> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const ids = [...new Set(rows.filter((r) => r.actorType === "staff" && uuid.test(r.actorId)).map((r) => r.actorId))];
  if (ids.length === 0) return new Map();
  const staff = await db.staffUser.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  return new Map(staff.map((s) => [s.id, s.email]));
}

export async function listAudit(db: DbOrTx, query: AuditQuery, now: Date = new Date()): Promise<AuditPage> {
  const before = query.cursor ? decodeCursor(query.cursor) : null;
  const since = query.sinceHours ? now.getTime() - query.sinceHours * 3_600_000 : null;
  const from = since !== null ? new Date(Math.max(since, query.from?.getTime() ?? since)) : query.from;
  const action = query.action?.endsWith(".") ? { startsWith: query.action } : query.action;
  const rows = await db.auditEntry.findMany({
    where: {
      ...(query.actorType ? { actorType: query.actorType } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(action ? { action } : {}),
      ...(query.targetType ? { targetType: query.targetType } : {}),
      ...(query.targetId ? { targetId: query.targetId } : {}),
      ...(from || query.to ? { at: { ...(from ? { gte: from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
      ...(before !== null ? { id: { lt: before } } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const labels = await actorLabels(db, page);
  const last = page.at(-1);
  return {
    rows: page.map((r) => ({
      id: r.id.toString(),
      at: r.at,
      actor: { type: r.actorType, id: r.actorId, label: labels.get(r.actorId) ?? r.actorId },
      action: r.action,
      target: { type: r.targetType, id: r.targetId },
      details: r.details,
    })),
    nextCursor: rows.length > query.limit && last ? last.id.toString() : null,
  };
}
