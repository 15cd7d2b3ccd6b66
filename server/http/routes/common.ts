// What many route definitions share: the auth kinds and the error codes every route of a kind may
// answer.
import type { ErrorCode } from "../../errors";

export const DEVICE_IN_BODY = { kind: "device", device: { from: "body" } } as const;
export const DEVICE_IN_HEADER = { kind: "device", device: { from: "header" } } as const;
export const DEVICE_OF_SYNC_TOKEN = { kind: "device", device: { from: "syncToken" } } as const;
export const NO_AUTH = { kind: "none" } as const;

// Every authenticated route may also answer 429 (rate limits) and 503 (database busy or slow).
export const AUTH: ErrorCode[] = ["unauthorized", "invalid_token", "device_revoked", "rate_limited", "unavailable"];
export const BODY: ErrorCode[] = ["invalid_request", ...AUTH, "payload_too_large", "request_timeout"];
export const QUERY: ErrorCode[] = ["invalid_request", ...AUTH];
/** A service-key route: 401 for no key or a revoked one, 403 out of scope or streams. */
export const SERVICE_QUERY: ErrorCode[] = ["invalid_request", "unauthorized", "forbidden", "rate_limited", "unavailable"];
