// One error type for the whole server. The code table maps each code to its HTTP status (mobile
// routes, PROTOCOL.md "Errors") and its tRPC code (console), so no layer invents its own.

export const ERROR_CODES = {
  invalid_request: { status: 400, trpc: "BAD_REQUEST" },
  unauthorized: { status: 401, trpc: "UNAUTHORIZED" },
  invalid_token: { status: 401, trpc: "UNAUTHORIZED" },
  forbidden: { status: 403, trpc: "FORBIDDEN" },
  device_revoked: { status: 403, trpc: "FORBIDDEN" },
  not_found: { status: 404, trpc: "NOT_FOUND" },
  method_not_allowed: { status: 405, trpc: "METHOD_NOT_SUPPORTED" },
  request_timeout: { status: 408, trpc: "TIMEOUT" },
  idempotency_conflict: { status: 409, trpc: "CONFLICT" },
  conflict: { status: 409, trpc: "CONFLICT" },
  bootstrap_required: { status: 412, trpc: "PRECONDITION_FAILED" },
  payload_too_large: { status: 413, trpc: "PAYLOAD_TOO_LARGE" },
  range_not_satisfiable: { status: 416, trpc: "BAD_REQUEST" },
  checksum_mismatch: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  rate_limited: { status: 429, trpc: "TOO_MANY_REQUESTS" },
  internal: { status: 500, trpc: "INTERNAL_SERVER_ERROR" },
  unavailable: { status: 503, trpc: "INTERNAL_SERVER_ERROR" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorDetails = Record<string, unknown>;

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
