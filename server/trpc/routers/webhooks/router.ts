// Webhooks of the team's backend: admins only (an endpoint receives every change of its streams).
// The secret is returned by create and rotateSecret only; the domain functions audit each change.
import { redeliverDelivery, listDeliveries, listWebhooksForConsole } from "../../../webhooks/console";
import { createWebhook, deleteWebhook, rotateWebhookSecret, setWebhookDisabled } from "../../../webhooks/endpoints";
import { adminProcedure, router } from "../../init";
import { ZDeliveryList, ZDeliveryRef, ZWebhookCreate, ZWebhookRef, ZWebhookSetDisabled } from "./schema";

const actorOf = (staff: { id: string }) => ({ type: "staff" as const, id: staff.id });

export const webhooksRouter = router({
  list: adminProcedure.query(({ ctx }) => listWebhooksForConsole(ctx.db)),
  deliveries: adminProcedure.input(ZDeliveryList).query(({ ctx, input }) => listDeliveries(ctx.db, input)),
  create: adminProcedure.input(ZWebhookCreate).mutation(({ ctx, input }) =>
    createWebhook(ctx.db, actorOf(ctx.staff), { url: input.url, events: ["bundle.committed"], streams: input.streams })),
  delete: adminProcedure.input(ZWebhookRef).mutation(async ({ ctx, input }) => ({ id: (await deleteWebhook(ctx.db, actorOf(ctx.staff), input.id)).id })),
  rotateSecret: adminProcedure.input(ZWebhookRef).mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, actorOf(ctx.staff), input.id)),
  setDisabled: adminProcedure.input(ZWebhookSetDisabled).mutation(({ ctx, input }) => setWebhookDisabled(ctx.db, actorOf(ctx.staff), input.id, input.disabled)),
  redeliver: adminProcedure.input(ZDeliveryRef).mutation(({ ctx, input }) => redeliverDelivery(ctx.db, actorOf(ctx.staff), input.deliveryId)),
});
