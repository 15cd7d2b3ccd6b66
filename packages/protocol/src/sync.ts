// Wire shapes of the mobile sync API (PROTOCOL.md), the single source of truth for the routes,
// the client, the OpenAPI document and the tests. snake_case on the wire.
import { z } from "zod";
import { ERROR_CODE_LIST, ITEM_ERROR_CODE_LIST } from "./error-codes";

export const LIMITS = {
  maxBodyBytes: 1024 * 1024,
  maxPushItems: 500,
  maxRecordDataBytes: 256 * 1024,
  bootstrapDefault: 500,
  bootstrapMax: 5000,
  pullDefault: 200,
  pullMax: 1000,
  verifyDefault: 1000,
  verifyMax: 2000,
  checksumsDefault: 1000,
  checksumsMax: 5000,
  fetchMax: 500,
} as const;

export const ZDeviceId = z.string().trim().min(1).max(200);
export const ZStreamName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9._@:-]{1,200}$/, "not a stream name");
const ZTypeName = z.string().min(1).max(64);
const ZRecordId = z.string().min(1).max(200);
const ZTimestamp = z.iso.datetime({ offset: true });

export const ZRecord = z.object({
  type: z.string(),
  id: z.string(),
  stream: z.string(),
  version: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
  updated_at: z.string(),
  checksum: z.string(),
});
export type TRecord = z.infer<typeof ZRecord>;

export const ZBootstrapRequest = z.strictObject({
  device_id: ZDeviceId,
  types: z.array(ZTypeName).min(1).max(100).optional(),
  cursor: z.string().min(1).max(4096).optional(),
  limit: z.number().int().min(1).max(LIMITS.bootstrapMax).default(LIMITS.bootstrapDefault),
});
export type TBootstrapRequest = z.infer<typeof ZBootstrapRequest>;

export const ZBootstrapResponse = z.object({
  items: z.array(ZRecord),
  cursor: z.string().nullable(),
  more: z.boolean(),
  token: z.string().nullable(),
  server_time: z.string(),
});
export type TBootstrapResponse = z.infer<typeof ZBootstrapResponse>;

export const ZPullRequest = z.strictObject({
  token: z.string().min(1).max(8192),
  limit: z.coerce.number().int().min(1).max(LIMITS.pullMax).default(LIMITS.pullDefault),
});
export type TPullRequest = z.infer<typeof ZPullRequest>;

export const ZChangeConflict = z.object({
  conflict_id: z.string().optional(),
  fields: z.array(z.string()),
  reason: z.string(),
  /** With reason `staff_restore`: the version whose data an operator restored (absent: undelete). */
  restored_version: z.number().int().optional(),
});

export const ZChange = z.object({
  seq: z.number().int(),
  stream: z.string(),
  type: z.string(),
  id: z.string(),
  op: z.enum(["upsert", "delete"]),
  version: z.number().int(),
  data: z.record(z.string(), z.unknown()).optional(),
  updated_at: z.string(),
  batch_id: z.string().optional(),
  conflict: ZChangeConflict.optional(),
});
export type TChange = z.infer<typeof ZChange>;

export const ZPullResponse = z.object({
  token: z.string(),
  changes: z.array(ZChange),
  more: z.boolean(),
  server_time: z.string(),
});
export type TPullResponse = z.infer<typeof ZPullResponse>;

export const ZPushItem = z.strictObject({
  client_temp_id: z.string().min(1).max(200).optional(),
  type: ZTypeName,
  id: ZRecordId.optional(),
  stream: ZStreamName.optional(),
  action: z.enum(["create", "update", "delete"]),
  data: z.record(z.string(), z.unknown()).optional(),
  base_version: z.number().int().min(0).optional(),
  client_version: z.number().int().min(0).optional(),
  updated_at: ZTimestamp.optional(),
});
export type TPushItem = z.infer<typeof ZPushItem>;

export const ZPushRequest = z.strictObject({
  device_id: ZDeviceId,
  bundle_id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mode: z.enum(["partial", "atomic"]).default("partial"),
  items: z.array(ZPushItem).min(1).max(LIMITS.maxPushItems),
  /**
   * The items are a device's copies of records the server lost (a restore or a failover, after
   * `history_diverged`): recorded on the batch and audited as `record.recovered`, decided like
   * any other write.
   */
  recovered: z.boolean().optional(),
});
export type TPushRequest = z.infer<typeof ZPushRequest>;

export const ZItemErrorCode = z.enum(ITEM_ERROR_CODE_LIST);
/** `details.fields` names each failing field of `invalid_data` and `invalid_transition`. */
export const ZItemError = z.object({
  code: ZItemErrorCode,
  message: z.string(),
  details: z.object({ fields: z.array(z.object({ field: z.string(), message: z.string() })) }).optional(),
});
export type TItemError = z.infer<typeof ZItemError>;

export const ZItemConflict = z.object({
  conflict_id: z.string().optional(),
  policy: z.enum(["manual", "lww", "version", "merge"]),
  resolution: z.enum(["server_wins", "client_wins", "merged"]).optional(),
  fields: z.array(z.string()),
  base_version: z.number().int().nullable(),
  server_version: z.number().int(),
  server_data: z.record(z.string(), z.unknown()).nullable(),
  client_data: z.record(z.string(), z.unknown()).nullable(),
  deleted: z.boolean(),
});
export type TItemConflict = z.infer<typeof ZItemConflict>;

export const ZPushResult = z.object({
  index: z.number().int(),
  client_temp_id: z.string().nullable(),
  id: z.string().nullable(),
  status: z.enum(["ok", "conflict", "error", "skipped"]),
  version: z.number().int().optional(),
  error: ZItemError.optional(),
  conflict: ZItemConflict.optional(),
});
export type TPushResult = z.infer<typeof ZPushResult>;

export const ZPushResponse = z.object({
  batch_id: z.string(),
  bundle_id: z.number().int(),
  status: z.enum(["applied", "partial", "rejected"]),
  processed_at: z.string(),
  results: z.array(ZPushResult),
});
export type TPushResponse = z.infer<typeof ZPushResponse>;

export const ZAckRequest = z.strictObject({ device_id: ZDeviceId, token: z.string().min(1).max(8192) });
export const ZAckResponse = z.object({ acked: z.boolean(), checkpoint: z.record(z.string(), z.number()) });

export const ZConflictListQuery = z.strictObject({
  status: z.enum(["open", "resolved", "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const ZResolveRequest = z
  .strictObject({
    resolution: z.enum(["accept_server", "accept_client", "manual_merge"]),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((r) => r.resolution !== "manual_merge" || r.data !== undefined, {
    message: "data is required for manual_merge",
    path: ["data"],
  });
export type TResolveRequest = z.infer<typeof ZResolveRequest>;

/** A stored conflict as devices and the console see it. */
export const ZConflict = z.object({
  id: z.string(),
  stream: z.string(),
  type: z.string(),
  record_id: z.string(),
  status: z.enum(["open", "resolved"]),
  policy: z.string(),
  fields: z.array(z.string()),
  base_version: z.number().int().nullable(),
  server_version: z.number().int(),
  base_data: z.record(z.string(), z.unknown()).nullable(),
  server_data: z.record(z.string(), z.unknown()).nullable(),
  client_data: z.record(z.string(), z.unknown()).nullable(),
  client_action: z.enum(["create", "update", "delete"]),
  server_deleted: z.boolean(),
  batch_id: z.string().nullable(),
  item_index: z.number().int().nullable(),
  resolution: z.string().nullable(),
  resolved_data: z.record(z.string(), z.unknown()).nullable(),
  resolved_by: z.string().nullable(),
  resolved_at: z.string().nullable(),
  created_at: z.string(),
});
export type TConflict = z.infer<typeof ZConflict>;

export const ZConflictPage = z.object({ conflicts: z.array(ZConflict), next_cursor: z.string().nullable() });
export const ZResolveResponse = z.object({ conflict: ZConflict, record: ZRecord.nullable() });

export const ZErrorCode = z.enum(ERROR_CODE_LIST);
export type TErrorCode = z.infer<typeof ZErrorCode>;
export const ZErrorBody = z.object({
  error: z.object({ code: ZErrorCode, message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

// Verify, checksums, fetch and digest (docs/protocol.md "Verify"). A key's `stream` defaults to
// the caller's own `user:<sub>`, as in push.
const ZChecksum = z.string().regex(/^sha256:[0-9a-f]{64}$/, "not a sha256:<hex> checksum");
/** `types=a,b` in a query string: a list of type names. */
export const ZTypesParam = z
  .string()
  .max(2000)
  .transform((s) => s.split(",").filter((t) => t !== ""))
  .pipe(z.array(ZTypeName).min(1).max(100));

export const ZRecordKeyInput = z.strictObject({ stream: ZStreamName.optional(), type: ZTypeName, id: ZRecordId });
export type TRecordKeyInput = z.infer<typeof ZRecordKeyInput>;
export const ZRecordKey = z.object({ stream: z.string(), type: z.string(), id: z.string() });
export type TRecordKey = z.infer<typeof ZRecordKey>;

export const ZVerifyItem = z.strictObject({ ...ZRecordKeyInput.shape, checksum: ZChecksum });
export type TVerifyItem = z.infer<typeof ZVerifyItem>;

export const ZVerifyRequest = z
  .strictObject({
    device_id: ZDeviceId,
    types: z.array(ZTypeName).min(1).max(100).optional(),
    items: z.array(ZVerifyItem).max(LIMITS.verifyMax),
    cursor: z.string().min(1).max(4096).optional(),
    limit: z.number().int().min(1).max(LIMITS.verifyMax).default(LIMITS.verifyDefault),
  })
  .refine((r) => r.items.length <= r.limit, { message: "at most `limit` items per page", path: ["items"] });
export type TVerifyRequest = z.infer<typeof ZVerifyRequest>;

export const ZDigest = z.string().regex(/^sha256-xor:[0-9a-f]{64}$/);

export const ZVerifyResponse = z.object({
  changed: z.array(ZRecord),
  missing: z.array(ZRecord),
  deleted: z.array(ZRecordKey),
  digest: ZDigest,
  more: z.boolean(),
  cursor: z.string().nullable(),
  until: ZRecordKey.nullable(),
});
export type TVerifyResponse = z.infer<typeof ZVerifyResponse>;

export const ZChecksumsQuery = z.strictObject({
  types: ZTypesParam.optional(),
  cursor: z.string().min(1).max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.checksumsMax).default(LIMITS.checksumsDefault),
});
export type TChecksumsQuery = z.infer<typeof ZChecksumsQuery>;

export const ZChecksumEntry = z.object({
  stream: z.string(),
  type: z.string(),
  id: z.string(),
  version: z.number().int(),
  checksum: z.string(),
});
export const ZChecksumsResponse = z.object({
  items: z.array(ZChecksumEntry),
  more: z.boolean(),
  cursor: z.string().nullable(),
});
export type TChecksumsResponse = z.infer<typeof ZChecksumsResponse>;

export const ZFetchRequest = z.strictObject({ items: z.array(ZRecordKeyInput).min(1).max(LIMITS.fetchMax) });
export type TFetchRequest = z.infer<typeof ZFetchRequest>;
export const ZFetchResponse = z.object({ records: z.array(ZRecord), missing: z.array(ZRecordKey) });
export type TFetchResponse = z.infer<typeof ZFetchResponse>;

export const ZDigestQuery = z.strictObject({ types: ZTypesParam.optional() });
export type TDigestQuery = z.infer<typeof ZDigestQuery>;
const ZStreamDigest = z.object({ digest: ZDigest, count: z.number().int() });
export const ZDigestResponse = z.object({
  digest: ZDigest,
  count: z.number().int(),
  streams: z.record(z.string(), ZStreamDigest),
});
export type TDigestResponse = z.infer<typeof ZDigestResponse>;

// The health check's answer (app/api/health), for the OpenAPI document.
export const ZHealthResponse = z.object({ ok: z.literal(true), db: z.enum(["postgres", "pglite"]) });

// Live updates (docs/protocol.md "Live"): GET /sync/events?token=, answered as Server-Sent Events.
export const ZEventsQuery = z.strictObject({ token: z.string().min(1).max(8192) });
export const ZLiveEvent = z.object({ streams: z.record(z.string(), z.number().int()) });
