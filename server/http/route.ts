// The REST route builder for mobile routes: authenticate, read and validate input, call one
// domain function, answer JSON. Every failure leaves as the error envelope of PROTOCOL.md.
import type { z } from "zod";
import { getDb, type Db } from "../db/client";
import { AppError, invalidRequest, toErrorBody } from "../errors";
import { env } from "../env";
import { enforceRateLimit, requestDeviceId, retryAfterHeader } from "../limits/rate-limit";
import { bodyDeadline, databaseTimeoutError, readBefore } from "../limits/timeouts";
import { logger } from "../log";
import { LIMITS, ZDeviceId } from "../sync/schemas";
import { ensureDevice, type DeviceContext } from "../devices/register";
import { authenticateDevice, type Caller } from "./device-auth";
import { observe } from "./observe";
import { json } from "./json-response";
import { findUnstorableJson } from "./storable-json";

export type RouteContext<B, Q> = {
  request: Request;
  caller: Caller;
  db: Db;
  body: B;
  query: Q;
  params: Record<string, string>;
};

type RouteSpec<B, Q> = {
  body?: z.ZodType<B, unknown>;
  query?: z.ZodType<Q, unknown>;
  handler: (ctx: RouteContext<B, Q>) => Promise<unknown>;
};

type NextContext = { params: Promise<Record<string, string | string[]>> };

export function errorResponse(error: unknown): Response {
  const timedOut = databaseTimeoutError(error);
  if (timedOut) {
    logger.warn({ err: error }, "database timeout");
    return errorResponse(timedOut);
  }
  if (error instanceof AppError) {
    // An oversize body may still be arriving unread: close rather than let the client reuse a
    // connection whose next request would be taken for the rest of this body.
    const unread = error.code === "payload_too_large" || error.code === "request_timeout";
    const headers: Record<string, string> = unread ? { connection: "close" } : {};
    return json(toErrorBody(error), error.status, { ...headers, ...retryAfterHeader(error) });
  }
  logger.error({ err: error }, "unhandled error");
  return json(toErrorBody(new AppError("internal", "Internal error")), 500);
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("invalid_request", "Content-Type must be application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > LIMITS.maxBodyBytes) throw tooLarge();
  const text = await readCapped(request);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON");
  }
  const problem = findUnstorableJson(value);
  if (problem) throw new AppError("invalid_request", `The body cannot be stored: ${problem.field} ${problem.message}`, { fields: [problem] });
  return value;
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The body exceeds ${LIMITS.maxBodyBytes} bytes`, { limit: LIMITS.maxBodyBytes });
}

/** Reads the body as UTF-8, stopping as soon as it exceeds the limit (chunked uploads too). */
async function readCapped(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = bodyDeadline(env().REQUEST_BODY_TIMEOUT_SECONDS);
  for (;;) {
    const { done, value } = await readBefore(() => reader.read(), deadline, () => void reader.cancel().catch(() => {}));
    if (done) break;
    size += value.byteLength;
    if (size > LIMITS.maxBodyBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("invalid_request", "The body is not valid UTF-8");
  }
}

function parse<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(result.error.issues, `The ${what} is invalid`);
  return result.data;
}

async function flatParams(context: NextContext | undefined): Promise<Record<string, string>> {
  const raw = (context ? await context.params : undefined) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
}

/** Builds a route handler for a device-authenticated mobile endpoint (logged and measured). */
export function deviceRoute<B = undefined, Q = undefined>(spec: RouteSpec<B, Q>) {
  return observe(async (request: Request, context?: NextContext): Promise<Response> => {
    try {
      const caller = await authenticateDevice(request);
      const raw = spec.body ? await readJson(request) : undefined;
      const db = await getDb();
      // Counted before validation: malformed requests count too.
      await enforceRateLimit(db, { userId: caller.userId, deviceId: requestDeviceId(request, raw) });
      const body = spec.body ? parse(spec.body, raw, "body") : (undefined as B);
      const search = Object.fromEntries(new URL(request.url).searchParams);
      const query = spec.query ? parse(spec.query, search, "query") : (undefined as Q);
      const params = await flatParams(context);
      const result = await spec.handler({ request, caller, db, body, query, params });
      return result instanceof Response ? result : json(result);
    } catch (error) {
      return errorResponse(error);
    }
  });
}

/** Optional device facts a client may send on any call; shown in the console. */
export function deviceHints(request: Request): { platform?: string; appVersion?: string } {
  const clip = (value: string | null) => (value ? value.slice(0, 100) : undefined);
  const hints: { platform?: string; appVersion?: string } = {};
  const platform = clip(request.headers.get("x-device-platform"));
  const appVersion = clip(request.headers.get("x-app-version"));
  if (platform) hints.platform = platform;
  if (appVersion) hints.appVersion = appVersion;
  return hints;
}

/** Routes without a device_id in the body take it from `X-Device-Id` (optional). */
export async function deviceFromHeader(db: Db, caller: Caller, request: Request): Promise<DeviceContext | null> {
  const header = request.headers.get("x-device-id")?.trim();
  if (!header) return null;
  const deviceId = ZDeviceId.safeParse(header);
  if (!deviceId.success) throw new AppError("invalid_request", "X-Device-Id is invalid");
  return ensureDevice(db, caller, deviceId.data, deviceHints(request));
}
