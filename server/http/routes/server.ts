// The team's backend API (INTEGRATION.md section 2), authenticated by service keys.
import * as Sync from "../../sync/schemas";
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
  id: "serverPush", itemData: true, method: "post", path: "/api/v1/server/push", tag: "server",
  auth: { kind: "service", scope: "write" },
  summary: "Write records from your backend (service key, scope write)",
  description: "The same engine as a device push: policies, field rules and guards (server-only fields allowed), idempotent on (writer_id, bundle_id) per key. Every item names its `stream`, within the key's patterns (else 403, nothing written). The answer is a device push's.",
  body: S.ZServerPushRequest, response: Sync.ZPushResponse,
  errors: [...SERVICE_QUERY, "payload_too_large", "request_timeout", "idempotency_conflict"],
});
