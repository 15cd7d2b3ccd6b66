// tus keeps its own status codes (clients decide retries on them: 409 offset mismatch, 423 locked,
// 460 checksum, 5xx retry), but every error body is our JSON envelope. This is the one mapping,
// documented in docs/protocol.md "tus"; nothing answers 500. Our own failures are AppErrors like
// everywhere else; where tus defines another status for a code (460), the code table says so.
import { ERRORS } from "@tus/utils";
import { AppError, type ErrorCode, errorCodeSpec, toErrorBody } from "../errors";
import { databaseTimeoutError } from "../limits/timeouts";
import { logger } from "../log";

/** The status of an AppError on a tus route: the table's, or the tus protocol's own for that code. */
export function tusStatusOf(code: ErrorCode): number {
  const spec = errorCodeSpec(code);
  return spec.tusStatus ?? spec.status;
}

/** The envelope code of a tus status (the status itself is kept). */
export function codeForTusStatus(status: number): ErrorCode {
  switch (status) {
    case 401: return "unauthorized";
    case 404: case 410: return "not_found";
    case 409: case 423: return "conflict";
    case 413: return "payload_too_large";
    case 460: return "checksum_mismatch";
    case 429: return "rate_limited";
    case 501: return "invalid_request"; // an extension this server does not offer (concatenation)
    default: return status >= 500 ? "unavailable" : "invalid_request";
  }
}

export function envelopeText(code: ErrorCode, message: string, details?: Record<string, unknown>): string {
  return JSON.stringify(toErrorBody(new AppError(code, message, details)));
}

type TusErrorLike = { status_code: number; body: string };
const isTusErrorLike = (error: unknown): error is TusErrorLike =>
  typeof error === "object" && error !== null && "status_code" in error && typeof error.status_code === "number" && "body" in error && typeof error.body === "string";

/** For @tus/server's onResponseError: any thrown error -> tus status and envelope body. */
export function tusErrorAnswer(error: unknown): TusErrorLike {
  const timeout = databaseTimeoutError(error);
  if (timeout) error = timeout;
  if (error instanceof AppError) {
    return { status_code: tusStatusOf(error.code), body: JSON.stringify(toErrorBody(error)) };
  }
  if (error === ERRORS.ERR_LOCK_TIMEOUT) {
    return { status_code: 423, body: envelopeText("conflict", "The upload is busy with another request; retry") };
  }
  if (isTusErrorLike(error) && (error.status_code < 500 || error.status_code === 501)) {
    return { status_code: error.status_code, body: envelopeText(codeForTusStatus(error.status_code), error.body.trim()) };
  }
  // Storage or database trouble: retryable, and the body says nothing internal.
  logger.error({ err: error }, "tus: request failed");
  return { status_code: 503, body: envelopeText("unavailable", "Upload storage is unavailable; retry") };
}
