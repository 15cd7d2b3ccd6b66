// Request timeouts (docs/deployment.md "Limits and abuse protection"):
//   - a request body must arrive within REQUEST_BODY_TIMEOUT_SECONDS, else 408 `request_timeout`
//     (a slow client cannot hold a request, and its memory, open for ever);
//   - database work is bounded by PostgreSQL's statement_timeout (DB_STATEMENT_TIMEOUT_SECONDS,
//     set on every pooled connection), by the same time to wait for a free pooled connection,
//     and by each transaction's own timeout; each answers 503 `unavailable` with Retry-After
//     instead of a hang or a 500.
import { AppError } from "../errors";

/** Seconds a client is told to wait after a database timeout. */
export const TIMEOUT_RETRY_AFTER_SECONDS = 5;

/** PostgreSQL SQLSTATEs of a cancelled statement, a lock not obtained, and a lock timeout. */
const TIMEOUT_SQLSTATES = new Set(["57014", "55P03"]);
/** Prisma: transaction expired or not started in time (P2028), no pool connection in time (P2024). */
const TIMEOUT_PRISMA_CODES = new Set(["P2028", "P2024"]);

function stringField(value: unknown, field: string): string | undefined {
  if (typeof value !== "object" || value === null || !(field in value)) return undefined;
  const found: unknown = (value as Record<string, unknown>)[field];
  return typeof found === "string" ? found : undefined;
}

function child(value: unknown, field: string): unknown {
  return typeof value === "object" && value !== null && field in value ? (value as Record<string, unknown>)[field] : undefined;
}

/** pg-pool's error when no connection became free within connectionTimeoutMillis. */
const POOL_TIMEOUT_MESSAGE = "timeout exceeded when trying to connect";

/** True for an error (Prisma, driver adapter or pg) that means "the database took too long". */
export function isDatabaseTimeout(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== "object" || error === null) return false;
  if (error instanceof Error && error.message === POOL_TIMEOUT_MESSAGE) return true;
  const code = stringField(error, "code");
  if (code && (TIMEOUT_PRISMA_CODES.has(code) || TIMEOUT_SQLSTATES.has(code))) return true;
  const original = stringField(error, "originalCode");
  if (original && TIMEOUT_SQLSTATES.has(original)) return true;
  return ["cause", "meta", "driverAdapterError"].some((field) => isDatabaseTimeout(child(error, field), depth + 1));
}

/** The answer for a database timeout, or null for any other error. */
export function databaseTimeoutError(error: unknown): AppError | null {
  if (!isDatabaseTimeout(error)) return null;
  return new AppError("unavailable", "The database took too long to answer; retry later", {
    reason: "timeout",
    retry_after_seconds: TIMEOUT_RETRY_AFTER_SECONDS,
  });
}

/** The connection option that bounds every statement on PostgreSQL (undefined: no bound). */
export function statementTimeoutMs(seconds: number): number | undefined {
  return seconds > 0 ? seconds * 1000 : undefined;
}

export type BodyDeadline = { at: number; seconds: number } | null;

/** When a body starting to arrive now must be complete (null: no bound). */
export function bodyDeadline(seconds: number): BodyDeadline {
  return seconds > 0 ? { at: Date.now() + seconds * 1000, seconds } : null;
}

/** Runs one read of a body, giving up at the deadline with 408 `request_timeout` (after `cancel`). */
export function readBefore<T>(read: () => Promise<T>, deadline: BodyDeadline, cancel: () => void): Promise<T> {
  if (deadline === null) return read();
  const expired = () =>
    new AppError("request_timeout", `The request body did not arrive within ${deadline.seconds} s`, { timeout_seconds: deadline.seconds });
  const left = deadline.at - Date.now();
  if (left <= 0) {
    cancel();
    return Promise.reject(expired());
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject before cancelling: a cancel ends the pending read ("done"), which must not win.
      reject(expired());
      cancel();
    }, left);
  });
  return Promise.race([read(), timeout]).finally(() => clearTimeout(timer));
}
