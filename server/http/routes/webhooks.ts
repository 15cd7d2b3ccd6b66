// Webhook endpoints of the server API (INTEGRATION.md "Webhooks"): service keys with the admin scope.
import * as W from "../../webhooks/schemas";
import { defineRoute } from "../route-definition";
import { SERVICE_QUERY } from "./common";

const ADMIN = { kind: "service", scope: "admin" } as const;

export const createWebhookRoute = defineRoute({
  id: "createWebhook", method: "post", path: "/api/v1/server/webhooks", tag: "server", auth: ADMIN, status: 201,
  summary: "Register a webhook endpoint (service key, scope admin)",
  description: "Every committed bundle of a matching stream is POSTed to `url`, signed with the returned `secret` (shown only here): `Syncdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + raw body)>`. `streams` (patterns) must lie within the key's; absent, the key's own. docs/backend.md \"Webhooks\".",
  body: W.ZNewWebhook, response: W.ZWebhookCreated,
  errors: [...SERVICE_QUERY, "payload_too_large", "request_timeout"],
});

export const listWebhooksRoute = defineRoute({
  id: "listWebhooks", method: "get", path: "/api/v1/server/webhooks", tag: "server", auth: ADMIN,
  summary: "List webhook endpoints (service key, scope admin)",
  description: "Every registered endpoint, newest first, without secrets.",
  response: W.ZWebhookList, errors: SERVICE_QUERY,
});

export const deleteWebhookRoute = defineRoute({
  id: "deleteWebhook", method: "delete", path: "/api/v1/server/webhooks/{id}", tag: "server", auth: ADMIN,
  summary: "Remove a webhook endpoint (service key, scope admin)",
  description: "Nothing more is sent to it; its deliveries and their attempts are removed with it.",
  response: W.ZWebhookDeleted, errors: [...SERVICE_QUERY, "not_found"],
});
