import { handlerOf } from "@/server/http/route";
import { createWebhookRoute, listWebhooksRoute } from "@/server/http/routes/webhooks";
import { createWebhook, listWebhooks } from "@/server/webhooks/endpoints";
import { keyActor } from "@/server/webhooks/key-actor";
import { streamsForKey } from "@/server/webhooks/key-streams";
import { toWireWebhook } from "@/server/webhooks/wire";

export const dynamic = "force-dynamic";

export const POST = handlerOf(createWebhookRoute, ({ db, service, body }) =>
  createWebhook(db, keyActor(service), { ...body, streams: streamsForKey(body.streams, service.streams) }));

export const GET = handlerOf(listWebhooksRoute, async ({ db }) => ({ webhooks: (await listWebhooks(db)).map(toWireWebhook) }));
