// Push, pull, bootstrap, ack and live updates (docs/protocol.md).
import * as S from "@syncdesk/protocol";
import { defineRoute } from "../route-definition";
import { BODY, DEVICE_IN_BODY, DEVICE_OF_SYNC_TOKEN, QUERY } from "./common";

export const bootstrapRoute = defineRoute({
  id: "bootstrap", method: "post", path: "/api/v1/sync/bootstrap", tag: "sync", auth: DEVICE_IN_BODY,
  summary: "Download a consistent snapshot in pages",
  description: "The first call freezes the snapshot; pass `cursor` for the next page. The last page (`more: false`) carries the pull `token`.",
  body: S.ZBootstrapRequest, response: S.ZBootstrapResponse, errors: [...BODY, "bootstrap_required"],
});

export const pullRoute = defineRoute({
  id: "pull", method: "post", path: "/api/v1/sync/pull", tag: "sync", auth: DEVICE_OF_SYNC_TOKEN,
  summary: "Changes after a token",
  description: "Changes in seq order per stream; a page never splits a bundle. Keep pulling while `more`.",
  body: S.ZPullRequest, response: S.ZPullResponse, errors: [...BODY, "bootstrap_required"],
});

export const pullGetRoute = defineRoute({
  id: "pullGet", method: "get", path: "/api/v1/sync/pull", tag: "sync", auth: DEVICE_OF_SYNC_TOKEN,
  summary: "Changes after a token (query string form)",
  description: "The same as POST /api/v1/sync/pull with `token` and `limit` in the query string.",
  query: S.ZPullRequest, response: S.ZPullResponse, errors: [...QUERY, "bootstrap_required"],
});

export const pushRoute = defineRoute({
  id: "push", itemData: true, writesBundle: true, method: "post", path: "/api/v1/sync/push", tag: "sync", auth: DEVICE_IN_BODY,
  summary: "Push a bundle of changes",
  description: "`(device_id, bundle_id)` is the idempotency key. Item errors and conflicts are reported per item.",
  body: S.ZPushRequest, response: S.ZPushResponse, errors: [...BODY, "idempotency_conflict"],
});

export const ackRoute = defineRoute({
  id: "ack", method: "post", path: "/api/v1/sync/ack", tag: "sync", auth: DEVICE_IN_BODY,
  summary: "Record the device's durable checkpoint",
  description: "Ack a token after durably applying the changes up to it.",
  body: S.ZAckRequest, response: S.ZAckResponse, errors: [...BODY, "bootstrap_required"],
});

export const eventsRoute = defineRoute({
  id: "events", method: "get", path: "/api/v1/sync/events", tag: "sync", auth: DEVICE_OF_SYNC_TOKEN,
  summary: "Live updates (Server-Sent Events)",
  description: "Checked like a pull. Events: `ready` and `poke`, each with data `{\"streams\": {name: head_seq}}`; comment lines as heartbeats. Pull when poked.",
  query: S.ZEventsQuery, response: S.ZLiveEvent, errors: [...QUERY, "bootstrap_required"],
  stream: "An event stream: `event: ready` then `event: poke` with data `{\"streams\": {\"user:alice\": 42}}` whenever one of your streams advances",
});
