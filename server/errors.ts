// One error type for the whole server, and the two code tables every layer answers from:
// request errors (the envelope of a refused request: HTTP status for mobile routes, PROTOCOL.md
// "Errors"; tRPC code for the console) and item errors (one item of a push, reported in its
// result). docs/protocol.md's error tables are generated from these (scripts/docs-errors.ts),
// and their keys are exactly the wire's code lists (@syncdesk/protocol's error-codes.ts), which
// the wire schemas take their enums from.
import type { ERROR_CODE_LIST as WIRE_CODES, ITEM_ERROR_CODE_LIST as WIRE_ITEM_CODES } from "@syncdesk/protocol";

type RequestCodeSpec = {
  status: number;
  /** The status a tus answer keeps where the tus protocol defines its own (tus-errors.ts). */
  tusStatus?: number;
  trpc: string;
  /** When the code is answered; the "when" column of docs/protocol.md "Errors" (markdown). */
  description: string;
};

export const ERROR_CODES = {
  invalid_request: {
    status: 400, trpc: "BAD_REQUEST",
    description: "malformed JSON, not UTF-8, wrong `Content-Type`, a field of the wrong type, unknown fields, bad query, U+0000 in a query or path parameter, a number JSON cannot carry exactly or a `__proto__` key outside a push item's `data`, a body cut off by the client. `details.fields` lists each bad field",
  },
  unauthorized: {
    status: 401, trpc: "UNAUTHORIZED",
    description: "no `Authorization: Bearer` header (in the console: not logged in)",
  },
  invalid_token: {
    status: 401, trpc: "UNAUTHORIZED",
    description: "the JWT, the sync token or the bootstrap cursor is invalid, tampered, or belongs to another user or device. A JWT that verifies but whose claims are unusable (docs/protocol.md \"Identity\") names the claim in `details.fields`",
  },
  forbidden: {
    status: 403, trpc: "FORBIDDEN",
    description: "not allowed: a forged or expired presigned media URL (in the console: a role below the one the action needs)",
  },
  device_revoked: { status: 403, trpc: "FORBIDDEN", description: "the device was revoked in the console" },
  not_found: {
    status: 404, trpc: "NOT_FOUND",
    description: "no such route (every unknown `/api/` path answers this envelope, never an HTML page), or no such conflict, upload or blob among yours",
  },
  method_not_allowed: { status: 405, trpc: "METHOD_NOT_SUPPORTED", description: "the route exists, but not with this method" },
  request_timeout: {
    status: 408, trpc: "TIMEOUT",
    description: "the body did not arrive within `REQUEST_BODY_TIMEOUT_SECONDS` (30); `details.timeout_seconds`. Retry",
  },
  idempotency_conflict: { status: 409, trpc: "CONFLICT", description: "a `bundle_id` reused with a different body" },
  conflict: {
    status: 409, trpc: "CONFLICT",
    description: "the state does not allow it: the conflict is already resolved, a presigned key was already written, an upload is not at that step",
  },
  bootstrap_required: {
    status: 412, trpc: "PRECONDITION_FAILED",
    description: "`details.reason`: `token_expired`, `compacted`, `types_changed` or `history_diverged` (the position is not in this server's history: a restore or failover); `details.bootstrap_url` is `/api/v1/sync/bootstrap` (for the server API's change feed, `/api/v1/server/records`)",
  },
  payload_too_large: {
    status: 413, trpc: "PAYLOAD_TOO_LARGE",
    description: "the JSON body is over 1 MiB; an upload over `UPLOAD_MAX_BYTES`, a chunk over `chunk_size` (`details.limit`)",
  },
  range_not_satisfiable: {
    status: 416, trpc: "BAD_REQUEST",
    description: "a chunk not starting at the upload's offset, or completing before every byte arrived (`details.offset`: continue there); a download range past the end",
  },
  checksum_mismatch: {
    status: 422, tusStatus: 460, trpc: "UNPROCESSABLE_CONTENT",
    description: "the uploaded bytes do not match the `sha256` (nothing is kept; tus answers `460`)",
  },
  rate_limited: {
    status: 429, trpc: "TOO_MANY_REQUESTS",
    description: "over a rate limit: `Retry-After` header (seconds) and `details: {retry_after_seconds, scope: \"device\" \\| \"user\", limit, window_seconds}`. Wait that long, then retry",
  },
  internal: {
    status: 500, trpc: "INTERNAL_SERVER_ERROR",
    description: "an unexpected failure on the server (a bug); the message is `Internal error` and says nothing internal",
  },
  unavailable: {
    status: 503, trpc: "INTERNAL_SERVER_ERROR",
    description: "`details.reason: \"timeout\"`: the database took too long (statement or transaction timeout), or a push waited too long for its turn on a busy instance (`PUSH_CONCURRENCY`), `Retry-After` (5); `\"capture_behind\"`: outside writers kept changing the rows of a table-backed type while the write was run again (docs/tables.md); or upload storage is unreachable. Retry",
  },
} as const satisfies Record<(typeof WIRE_CODES)[number], RequestCodeSpec>;

/** Per-item errors of a push (docs/protocol.md "Push", item errors): never a batch-wide status. */
export const ITEM_ERROR_CODES = {
  unknown_type: { description: "`type` is not one of the app's types" },
  invalid_data: {
    description: "`data` is missing on a create or update, does not match the type's schema, breaks a field guard (`immutable`, `server_only`), or a media field is not a string; or it holds what JSON cannot carry exactly (a number that would read back changed: `1e309`, `1e-400`, an integer beyond 2^53 that rounds; send it as a string) or a `__proto__` key; `details.fields` names each failing field",
  },
  invalid_transition: { description: "a field with `transitions` would change to a value its current value may not go to; `details.fields` names it" },
  invalid_request: { description: "`id` is missing on an update or delete, or `base_version` is above the server's version" },
  not_found: { description: "an update or delete of a record that does not exist" },
  forbidden: { description: "the item's `stream` is not granted to your token" },
  unique_violation: { description: "another live record of the type in the stream already holds a unique field's value" },
  payload_too_large: { description: "`data` is over 256 KiB" },
  media_not_found: {
    description: "a media field names a blob that is neither yours nor in the record's stream, or a presigned key whose bytes have not all arrived",
  },
  storage_unavailable: { description: "the upload storage could not be asked whether a presigned key's bytes arrived; push again later" },
} as const satisfies Record<(typeof WIRE_ITEM_CODES)[number], { description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ItemErrorCode = keyof typeof ITEM_ERROR_CODES;
export type ErrorDetails = Record<string, unknown>;

/** The codes of a table, non-empty, for `z.enum`. */
function codesOf<K extends string>(table: Record<K, unknown>): [K, ...K[]] {
  // Object.keys is typed string[]; the keys of a literal table are exactly K.
  const [first, ...rest] = Object.keys(table) as K[];
  if (first === undefined) throw new Error("an error code table is empty");
  return [first, ...rest];
}

export const ERROR_CODE_LIST = codesOf(ERROR_CODES);
export const ITEM_ERROR_CODE_LIST = codesOf(ITEM_ERROR_CODES);

/** A code's row of the request table, read through its spec type (tusStatus is on some rows only). */
export function errorCodeSpec(code: ErrorCode): RequestCodeSpec {
  return ERROR_CODES[code];
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: ErrorDetails } };

export function toErrorBody(error: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details) body.error.details = error.details;
  return body;
}

type Issue = { path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: readonly string[] };

/** Turns zod issues into the `details` of a 400: one entry per bad field. */
/** `invalid_request` for fields already named, such as record data failing its type's schema. */
export function invalidFields(fields: ReadonlyArray<{ field: string; message: string }>, message = "The request is invalid"): AppError {
  return new AppError("invalid_request", message, { fields: fields.slice(0, 50) });
}

export function invalidRequest(issues: ReadonlyArray<Issue>, message = "The request is invalid"): AppError {
  const fields = issues.flatMap((issue) => {
    const at = issue.path.map(String);
    // zod reports unexpected keys on their parent object; each key is a bad field of its own.
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      return issue.keys.map((key) => ({ field: [...at, key].join("."), message: "Unexpected field" }));
    }
    return [{ field: at.join(".") || "(body)", message: issue.message }];
  });
  return new AppError("invalid_request", message, { fields: fields.slice(0, 50) });
}
