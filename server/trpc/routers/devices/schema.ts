// Inputs of the console's device procedures (the single source of their shapes).
import { z } from "zod";

const ZFilterText = z.string().trim().min(1).max(200);

export const ZDeviceList = z.strictObject({
  /** Part of the user id or the device id. */
  q: ZFilterText.optional(),
  userId: ZFilterText.optional(),
  platform: ZFilterText.optional(),
  appVersion: ZFilterText.optional(),
  seenSince: z.date().optional(),
  seenBefore: z.date().optional(),
  revoked: z.boolean().optional(),
  /** Devices that reported a diverged history (all, or those not healed yet). */
  history: z.enum(["diverged", "unhealed"]).optional(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const ZDeviceRef = z.strictObject({ id: z.uuid() });
