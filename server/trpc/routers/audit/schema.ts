// Inputs of the console's audit log procedures.
import { z } from "zod";

const ZFilterText = z.string().trim().min(1).max(200);

export const ZAuditList = z.strictObject({
  actorType: z.enum(["staff", "device", "system"]).optional(),
  actorId: ZFilterText.optional(),
  action: ZFilterText.optional(),
  targetType: ZFilterText.optional(),
  targetId: ZFilterText.optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  /** Entries of the last this many hours (combined with from/to, the tighter bound wins). */
  sinceHours: z.number().int().min(1).max(24 * 366).optional(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(20).optional(),
});
