// Inputs of the console's user procedures (the single source of their shapes).
import { z } from "zod";

export const ZUserList = z.strictObject({
  /** Part of the user id, any case. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

export const ZUserRef = z.strictObject({ userId: z.string().min(1).max(1000) });
