// Every mobile route with its wire shapes and error codes: the table the OpenAPI document is built
// from (openapi.ts). The handlers in app/api/** parse with the same schemas.
import type { z } from "zod";
import type { ErrorCode } from "../errors";
import * as S from "../sync/schemas";
import * as W from "../watermelon/schemas";

export type MobileRoute = {
  id: string;
  method: "get" | "post";
  path: string;
  tag: "sync" | "verify" | "conflicts" | "watermelon" | "service";
  summary: string;
  description: string;
  auth: boolean;
  deviceHeader?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType;
  /** A streamed answer (Server-Sent Events) instead of JSON: its description. */
  stream?: string;
  errors: readonly ErrorCode[];
};

// Every authenticated route may also answer 429 (rate limits) and 503 (database busy or slow).
const AUTH: ErrorCode[] = ["unauthorized", "invalid_token", "device_revoked", "rate_limited", "unavailable"];
const BODY: ErrorCode[] = ["invalid_request", ...AUTH, "payload_too_large", "request_timeout"];
const QUERY: ErrorCode[] = ["invalid_request", ...AUTH];

export const MOBILE_ROUTES: readonly MobileRoute[] = [
  {
    id: "bootstrap", method: "post", path: "/api/v1/sync/bootstrap", tag: "sync", auth: true,
    summary: "Download a consistent snapshot in pages",
    description: "The first call freezes the snapshot; pass `cursor` for the next page. The last page (`more: false`) carries the pull `token`.",
    body: S.ZBootstrapRequest, response: S.ZBootstrapResponse, errors: [...BODY, "bootstrap_required"],
  },
  {
    id: "pull", method: "post", path: "/api/v1/sync/pull", tag: "sync", auth: true, deviceHeader: true,
    summary: "Changes after a token",
    description: "Changes in seq order per stream; a page never splits a bundle. Keep pulling while `more`.",
    body: S.ZPullRequest, response: S.ZPullResponse, errors: [...BODY, "bootstrap_required"],
  },
  {
    id: "pullGet", method: "get", path: "/api/v1/sync/pull", tag: "sync", auth: true, deviceHeader: true,
    summary: "Changes after a token (query string form)",
    description: "The same as POST /api/v1/sync/pull with `token` and `limit` in the query string.",
    query: S.ZPullRequest, response: S.ZPullResponse, errors: [...QUERY, "bootstrap_required"],
  },
  {
    id: "push", method: "post", path: "/api/v1/sync/push", tag: "sync", auth: true,
    summary: "Push a bundle of changes",
    description: "`(device_id, bundle_id)` is the idempotency key. Item errors and conflicts are reported per item.",
    body: S.ZPushRequest, response: S.ZPushResponse, errors: [...BODY, "idempotency_conflict"],
  },
  {
    id: "ack", method: "post", path: "/api/v1/sync/ack", tag: "sync", auth: true,
    summary: "Record the device's durable checkpoint",
    description: "Ack a token after durably applying the changes up to it.",
    body: S.ZAckRequest, response: S.ZAckResponse, errors: [...BODY, "bootstrap_required"],
  },
  {
    id: "verify", method: "post", path: "/api/v1/sync/verify", tag: "verify", auth: true,
    summary: "What the device must fix to match the server, one key range per page",
    description: "Send your records' checksums in key order (at most `limit`); the answer covers keys up to `until`. See docs/protocol.md \"Verify\".",
    body: S.ZVerifyRequest, response: S.ZVerifyResponse, errors: BODY,
  },
  {
    id: "checksums", method: "get", path: "/api/v1/sync/checksums", tag: "verify", auth: true, deviceHeader: true,
    summary: "Checksums of every live record, keyset-paged in key order",
    description: "`types` is a comma-separated list.",
    query: S.ZChecksumsQuery, response: S.ZChecksumsResponse, errors: QUERY,
  },
  {
    id: "fetch", method: "post", path: "/api/v1/sync/fetch", tag: "verify", auth: true, deviceHeader: true,
    summary: "Current records by key",
    description: "At most 500 keys. Deleted, unknown and foreign keys are all `missing`.",
    body: S.ZFetchRequest, response: S.ZFetchResponse, errors: BODY,
  },
  {
    id: "digest", method: "get", path: "/api/v1/sync/digest", tag: "verify", auth: true, deviceHeader: true,
    summary: "The state digest, total and per stream",
    description: "XOR of sha256(stream\\ntype\\nid\\nchecksum) over live records: compare with your own.",
    query: S.ZDigestQuery, response: S.ZDigestResponse, errors: QUERY,
  },
  {
    id: "events", method: "get", path: "/api/v1/sync/events", tag: "sync", auth: true, deviceHeader: true,
    summary: "Live updates (Server-Sent Events)",
    description: "Checked like a pull. Events: `ready` and `poke`, each with data `{\"streams\": {name: head_seq}}`; comment lines as heartbeats. Pull when poked.",
    query: S.ZEventsQuery, response: S.ZLiveEvent, errors: [...QUERY, "bootstrap_required"],
    stream: "An event stream: `event: ready` then `event: poke` with data `{\"streams\": {\"user:alice\": 42}}` whenever one of your streams advances",
  },
  {
    id: "listConflicts", method: "get", path: "/api/v1/conflicts", tag: "conflicts", auth: true, deviceHeader: true,
    summary: "The caller's conflicts, newest first",
    description: "Paged with `next_cursor`.",
    query: S.ZConflictListQuery, response: S.ZConflictPage, errors: QUERY,
  },
  {
    id: "resolveConflict", method: "post", path: "/api/v1/conflicts/{id}/resolve", tag: "conflicts", auth: true, deviceHeader: true,
    summary: "Resolve a stored conflict",
    description: "`data` (the full record data) is required for `manual_merge`.",
    body: S.ZResolveRequest, response: S.ZResolveResponse, errors: [...BODY, "not_found", "conflict"],
  },
  {
    id: "watermelonPull", method: "get", path: "/api/v1/watermelon/sync", tag: "watermelon", auth: true, deviceHeader: true,
    summary: "WatermelonDB pull: changes since last_pulled_at",
    description: "WatermelonDB's sync protocol over the user's stream; `timestamp` is a stream position. See docs/watermelondb.md.",
    query: W.ZWatermelonPullQuery, response: W.ZWatermelonPullResponse, errors: [...QUERY, "bootstrap_required"],
  },
  {
    id: "watermelonPush", method: "post", path: "/api/v1/watermelon/sync", tag: "watermelon", auth: true, deviceHeader: true,
    summary: "WatermelonDB push: all changes or none",
    description: "409 if a record changed on the server since `last_pulled_at`; a retry of the same push is answered like the first.",
    query: W.ZWatermelonPushQuery, body: W.ZWatermelonChanges, response: W.ZWatermelonPushResponse, errors: [...BODY, "conflict"],
  },
  {
    id: "health", method: "get", path: "/api/health", tag: "service", auth: false,
    summary: "Liveness and database reachability",
    description: "For load balancers.",
    response: S.ZHealthResponse, errors: ["unavailable"],
  },
];
