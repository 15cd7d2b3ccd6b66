// Inputs of the console's webhook procedures: the server API's own URL and stream rules.
import { z } from "zod";
import { ZStreamPattern } from "../../../keys/service-keys";
import { DELIVERY_STATUSES } from "../../../webhooks/console";
import { ZWebhookUrl } from "../../../webhooks/schemas";

export const ZWebhookCreate = z.strictObject({
  url: ZWebhookUrl,
  streams: z.array(ZStreamPattern).min(1).max(100).default(["*"]),
});
export const ZWebhookRef = z.strictObject({ id: z.uuid() });
export const ZWebhookSetDisabled = z.strictObject({ id: z.uuid(), disabled: z.boolean() });
export const ZDeliveryRef = z.strictObject({ deliveryId: z.uuid() });
export const ZDeliveryList = z.strictObject({
  endpointId: z.uuid().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
