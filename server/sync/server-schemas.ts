// Wire shapes of the team's backend API (INTEGRATION.md section 2), snake_case like the mobile API.
import { z } from "zod";
import { ZRecord, ZStreamName } from "./schemas";

export const ZServerRecordsQuery = z.strictObject({
  stream: ZStreamName.optional(),
  type: z.string().min(1).max(64).optional(),
  id: z.string().min(1).max(200).optional(),
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type TServerRecordsQuery = z.infer<typeof ZServerRecordsQuery>;

export const ZServerRecordsResponse = z.object({
  records: z.array(ZRecord),
  /** Where the next page starts; null on the last page. */
  cursor: z.string().nullable(),
  more: z.boolean(),
});
export type TServerRecordsResponse = z.infer<typeof ZServerRecordsResponse>;
