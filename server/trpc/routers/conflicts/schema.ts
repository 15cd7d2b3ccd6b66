// Inputs of the console's conflict procedures (the single source of their shapes).
import { z } from "zod";

const ZFilterText = z.string().trim().min(1).max(200);

export const ZConsoleConflictList = z.strictObject({
  status: z.enum(["open", "resolved", "all"]).default("open"),
  type: ZFilterText.optional(),
  userId: ZFilterText.optional(),
  device: ZFilterText.optional(),
  olderThanHours: z.number().int().min(1).max(24 * 366).optional(),
  newerThanHours: z.number().int().min(1).max(24 * 366).optional(),
  createdAfter: z.date().optional(),
  createdBefore: z.date().optional(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const ZConflictId = z.strictObject({ id: z.uuid() });

export const ZValidateMerge = z.strictObject({ id: z.uuid(), data: z.record(z.string(), z.unknown()) });

/** The console always names the record version the person decided on, so nothing is overwritten unseen. */
export const ZConsoleResolve = z
  .strictObject({
    id: z.uuid(),
    resolution: z.enum(["accept_server", "accept_client", "manual_merge"]),
    data: z.record(z.string(), z.unknown()).optional(),
    expectedVersion: z.number().int().min(0),
  })
  .refine((r) => r.resolution !== "manual_merge" || r.data !== undefined, {
    message: "data is required for manual_merge",
    path: ["data"],
  });
