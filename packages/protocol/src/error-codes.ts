// The error codes of the wire (PROTOCOL.md "Errors", docs/protocol.md "Push"): what a refused
// request's envelope and a failed push item carry. The server's code tables (server/errors.ts)
// must have exactly these keys, in this order (their `satisfies` clause and errors.test.ts).
export const ERROR_CODE_LIST = [
  "invalid_request",
  "unauthorized",
  "invalid_token",
  "forbidden",
  "device_revoked",
  "not_found",
  "method_not_allowed",
  "request_timeout",
  "idempotency_conflict",
  "conflict",
  "bootstrap_required",
  "payload_too_large",
  "range_not_satisfiable",
  "checksum_mismatch",
  "rate_limited",
  "internal",
  "unavailable",
] as const;

export const ITEM_ERROR_CODE_LIST = [
  "unknown_type",
  "invalid_data",
  "invalid_transition",
  "invalid_request",
  "not_found",
  "forbidden",
  "unique_violation",
  "payload_too_large",
  "media_not_found",
  "storage_unavailable",
] as const;
