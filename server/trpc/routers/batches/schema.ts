// Inputs of the console's sync batch procedures (the single source of their shapes).
import { z } from "zod";
import { BATCH_STATUS_FILTERS } from "../../../batches/list";

const ZFilterText = z.string().trim().min(1).max(200);

export const ZBatchList = z.strictObject({
  status: z.enum(BATCH_STATUS_FILTERS).optional(),
  /** The device's own id, as the app sends it. */
  deviceId: ZFilterText.optional(),
  /** The console's device ref (links from a device page). */
  deviceRef: z.uuid().optional(),
  userId: ZFilterText.optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const ZBatchRef = z.strictObject({ id: z.uuid() });
