// Wire shapes of the webhook endpoints of the server API (INTEGRATION.md "Webhooks"), shared by
// the route definitions, the OpenAPI document, the console and the tests.
import { z } from "zod";
import { ZStreamPattern } from "../keys/service-keys";

export const WEBHOOK_EVENTS = ["bundle.committed"] as const;

/** http(s) only, no credentials in it (they would be shown in every list). */
export const ZWebhookUrl = z.url({ protocol: /^https?$/ }).max(2000).refine((u) => {
  // zod's check and the WHATWG parser disagree on a few odd inputs: what fetch cannot parse is refused.
  const parsed = URL.canParse(u) ? new URL(u) : null;
  return parsed !== null && parsed.username === "" && parsed.password === "";
}, "must be an http(s) URL without a user name or password");

export const ZNewWebhook = z.strictObject({
  url: ZWebhookUrl,
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).transform((e) => [...new Set(e)]),
  /** Stream patterns (`*`, `org:*`, `user:ada`); absent: every stream of the key that registers it. */
  streams: z.array(ZStreamPattern).min(1).max(100).transform((s) => [...new Set(s)].sort()).optional(),
});
export type TNewWebhook = z.input<typeof ZNewWebhook>;

export const ZWebhookCreated = z.object({
  id: z.uuid(),
  /** Signs every request; shown only here (and when rotated in the console). */
  secret: z.string(),
});

export const ZWebhook = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  streams: z.array(z.string()),
  disabled: z.boolean(),
  created_at: z.string(),
});
export const ZWebhookList = z.object({ webhooks: z.array(ZWebhook) });
export const ZWebhookDeleted = z.object({ id: z.uuid(), deleted: z.literal(true) });

/** The body of every webhook request. */
export const ZWebhookEvent = z.object({
  id: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  created_at: z.string(),
  data: z.object({
    batch_id: z.string().nullable(),
    stream: z.string(),
    from_seq: z.number().int(),
    to_seq: z.number().int(),
    source: z.object({ kind: z.string(), id: z.string() }),
    changes: z.array(z.record(z.string(), z.unknown())),
  }),
});
export type TWebhookEvent = z.infer<typeof ZWebhookEvent>;
