import { handlerOf } from "@/server/http/route";
import { deleteWebhookRoute } from "@/server/http/routes/webhooks";
import { deleteWebhookById } from "@/server/webhooks/wire";
import { keyActor } from "@/server/webhooks/key-actor";

export const dynamic = "force-dynamic";

export const DELETE = handlerOf(deleteWebhookRoute, ({ db, service, params }) => deleteWebhookById(db, keyActor(service), params.id ?? ""));
