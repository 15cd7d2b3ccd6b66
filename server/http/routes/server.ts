// The team's backend API (INTEGRATION.md section 2), authenticated by service keys.
import * as F from "../../feed/feed-schemas";
import * as Sync from "@syncdesk/protocol";
import * as S from "../../sync/server-schemas";
import { defineRoute } from "../route-definition";
import { SERVICE_QUERY } from "./common";

export const serverRecordsRoute = defineRoute({
  id: "serverRecords", method: "get", path: "/api/v1/server/records", tag: "server",
  auth: { kind: "service", scope: "read" },
  summary: "The current records (service key, scope read)",
  description: "Live records of the key's streams in key order (stream, type, id), filtered by `stream`, `type` and `id`, paged by `cursor`. A `stream` outside the key's patterns is 403.",
  query: S.ZServerRecordsQuery, response: S.ZServerRecordsResponse,
  errors: SERVICE_QUERY,
});

export const serverPushRoute = defineRoute({
  id: "serverPush", itemData: true, writesBundle: true, method: "post", path: "/api/v1/server/push", tag: "server",
  auth: { kind: "service", scope: "write" },
  summary: "Write records from your backend (service key, scope write)",
  description: "The same engine as a device push: policies, field rules and guards (server-only fields allowed), idempotent on (writer_id, bundle_id) per key. Every item names its `stream`, within the key's patterns (else 403, nothing written). The answer is a device push's.",
  body: S.ZServerPushRequest, response: Sync.ZPushResponse,
  errors: [...SERVICE_QUERY, "payload_too_large", "request_timeout", "idempotency_conflict"],
});

export const serverChangesRoute = defineRoute({
  id: "serverChanges", method: "get", path: "/api/v1/server/changes", tag: "server",
  auth: { kind: "service", scope: "read" },
  summary: "Follow every committed change (service key, scope read)",
  description: "The change feed: every committed change of the key's streams exactly once, in seq order per stream, each with its `source`. Without `cursor` it starts at the oldest change kept; follow the returned `cursor` (also on the last page, to wait for news). `streams` (patterns within the key's, else 403) and `types` filter; a cursor keeps the filters it was made with. A page holds at most `limit` changes and never splits one bundle's changes in a stream unless they alone exceed `limit`. A cursor past what compaction kept, or from another history (a restored database), answers 412 `bootstrap_required`: read the records again and start without a cursor.",
  query: F.ZServerChangesQuery, response: F.ZServerChangesResponse,
  errors: [...SERVICE_QUERY, "invalid_token", "bootstrap_required"],
});
