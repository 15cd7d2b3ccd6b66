// Wire shapes of the team's backend API (INTEGRATION.md section 2), snake_case like the mobile API.
import { z } from "zod";
import { LIMITS, ZPushItem, ZRecord, ZStreamName } from "@syncdesk/protocol";

/** A server write: a device push item whose stream is required (a backend has no own stream). */
export const ZServerPushItem = ZPushItem.omit({ client_version: true }).extend({ stream: ZStreamName });

export const ZServerPushRequest = z.strictObject({
  /** Which part of your backend writes: shown as the source of its batches. */
  writer_id: z.string().trim().min(1).max(200),
  bundle_id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mode: z.enum(["partial", "atomic"]).default("partial"),
  items: z.array(ZServerPushItem).min(1).max(LIMITS.maxPushItems),
});
export type TServerPushRequest = z.infer<typeof ZServerPushRequest>;

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
