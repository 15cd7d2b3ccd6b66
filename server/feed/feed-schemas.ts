// Wire shapes of the change feed (INTEGRATION.md "GET /api/v1/server/changes"), snake_case like the
// rest of the server API.
import { z } from "zod";
import { ZStreamPattern } from "../keys/service-keys";
import { ZChange, ZTypesParam } from "@syncdesk/protocol";
import { ZChangeSource } from "./source";

export const FEED_LIMITS = { default: 200, max: 1000 } as const;

/** `streams=org:*,user:ann` in a query string: stream patterns, each within the key's. */
const ZStreamsParam = z
  .string()
  .max(4000)
  .transform((s) => s.split(",").filter((p) => p !== ""))
  .pipe(z.array(ZStreamPattern).min(1).max(100));

export const ZServerChangesQuery = z.strictObject({
  cursor: z.string().min(1).max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(FEED_LIMITS.max).default(FEED_LIMITS.default),
  streams: ZStreamsParam.optional(),
  types: ZTypesParam.optional(),
});
export type TServerChangesQuery = z.infer<typeof ZServerChangesQuery>;

/** A PROTOCOL.md change and who wrote it. */
export const ZFeedChange = ZChange.extend({ source: ZChangeSource });
export type TFeedChange = z.infer<typeof ZFeedChange>;

export const ZServerChangesResponse = z.object({
  changes: z.array(ZFeedChange),
  /** Where the next page starts: always given, also on the last page (follow it later for news). */
  cursor: z.string(),
  /** Whether more changes are already committed after this page. */
  more: z.boolean(),
});
export type TServerChangesResponse = z.infer<typeof ZServerChangesResponse>;
