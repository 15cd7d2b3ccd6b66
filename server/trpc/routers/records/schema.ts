// Inputs of the console's record procedures (the single source of their shapes).
import { z } from "zod";

const ZFilterText = z.string().trim().min(1).max(200);
const ZKeyPart = z.string().min(1).max(1000);

export const ZRecordList = z.strictObject({
  userId: ZFilterText.optional(),
  stream: ZFilterText.optional(),
  type: ZFilterText.optional(),
  /** The start of the record id. */
  id: ZFilterText.optional(),
  /** A top-level field and its exact value: both or neither. */
  field: z.strictObject({ name: z.string().trim().min(1).max(200), value: z.string().max(1000) }).optional(),
  deleted: z.boolean().optional(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(4000).optional(),
});

export const ZRecordKey = z.strictObject({ stream: ZKeyPart, type: ZKeyPart, id: ZKeyPart });

export const ZRecordGet = ZRecordKey.extend({
  beforeVersion: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const ZRecordRestore = ZRecordKey.extend({
  /** Absent: undelete. */
  version: z.number().int().min(1).optional(),
  expectedVersion: z.number().int().min(1),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500),
});
