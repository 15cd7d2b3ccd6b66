// Seed 001's example payloads ("Sync Lifecycle & Examples"), copied verbatim, and the one mapping
// from its wire names onto PROTOCOL.md's. Only names change: every value goes through as written.
import type { TPushItem } from "@syncdesk/protocol";

/** An item of the seed's `POST /api/v1/mobile/sync/push`. */
export type SeedPushItem = {
  client_temp_id?: string;
  resource_type: string;
  action: "create" | "update" | "delete";
  payload: Record<string, unknown>;
  client_version?: number;
};

/** The seed's example push request. */
export const SEED_PUSH = {
  device_id: "device-uuid-123",
  client_sync_token: "tok_20251203_123",
  items: [
    {
      client_temp_id: "tmp-1",
      resource_type: "submission",
      action: "create",
      payload: { form_id: "f-1", form_version: "v2", data: { fieldA: "ok" } },
      client_version: 1,
    },
    {
      resource_type: "meter",
      action: "update",
      payload: { id: "m-123", reading: 42 },
      client_version: 5,
    },
  ] satisfies SeedPushItem[],
};

/** The seed's example push response: its meter item is a version conflict. */
export const SEED_PUSH_CONFLICT = { server_id: "m-123", error: "Version mismatch: server_version=7, client_version=5" };

/** The change of the seed's example pull: a submission a reviewer approved, at server version 3. */
export const SEED_PULLED_CHANGE = {
  id: "sub-999",
  resource_type: "submission",
  action: "create",
  payload: { form_id: "f-1", data: { fieldA: "reviewed" }, status: "approved" },
  server_version: 3,
};

/** The seed's example conflict record, as stored in its `conflicts` table. */
export const SEED_CONFLICT = {
  id: "conf-abc-1",
  resource_type: "meter",
  resource_id: "m-123",
  server_payload: { reading: 50, last_updated_by: "sys" },
  client_payload: { reading: 42, device_ts: "2025-12-22T11:00:00Z" },
  detected_at: "2025-12-22T12:45:00Z",
};

/** The seed's example resolution request, sent as is to PROTOCOL.md's resolve route. */
export const SEED_RESOLUTION = { resolution: "accept_client" };

/**
 * A seed push item as a PROTOCOL.md push item:
 * - `resource_type` is `type` and `payload` is `data`, unchanged (an `id` inside it stays there);
 * - the record id of an update or delete is the payload's `id`, as the seed gives no other;
 * - the seed's `client_version` is the server version the device last saw (its server flags a
 *   conflict when it is older than `server_version`): that is PROTOCOL.md's `base_version`. It is
 *   sent as `client_version` too. A create has no base.
 * The seed's `client_sync_token` has no push counterpart (pulls carry the token) and is dropped.
 */
export function toProtocolItem(item: SeedPushItem): TPushItem {
  const id = typeof item.payload.id === "string" ? item.payload.id : undefined;
  const versions = item.client_version === undefined ? {}
    : item.action === "create" ? { client_version: item.client_version }
      : { client_version: item.client_version, base_version: item.client_version };
  return {
    type: item.resource_type,
    action: item.action,
    data: item.payload,
    ...(item.client_temp_id === undefined ? {} : { client_temp_id: item.client_temp_id }),
    ...(id === undefined ? {} : { id }),
    ...versions,
  };
}
