// Inputs of the console's media procedures.
import { z } from "zod";

export const ZMediaForRecords = z.strictObject({
  records: z.array(z.strictObject({ type: z.string().min(1).max(64), data: z.unknown() })).max(500),
});

export const ZMediaForUser = z.strictObject({
  userId: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(100).default(24),
});
