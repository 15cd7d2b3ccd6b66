// Request rate limits of mobile routes (docs/deployment.md "Limits and abuse protection"): per
// device and per user, each at most N requests per window, counted in the database so that all
// instances share them. Each instance claims hits from those counters in blocks and admits from
// its own bucket meanwhile (token-bucket.ts: never over the limit; the tolerance is said there).
// A refused request does nothing else: it answers 429 `rate_limited` with Retry-After before any
// domain work.
import type { Db } from "../db/client";
import { env, type Env } from "../env";
import { AppError } from "../errors";
import { takeTokens } from "./token-bucket";

export type RateLimitConfig = { windowSeconds: number; perDevice: number; perUser: number };
export type RateLimitSubject = { userId: string; deviceId?: string | null };
export type RateLimitScope = "device" | "user";

export function rateLimitConfig(config: Pick<Env, "RATE_LIMIT_WINDOW_SECONDS" | "RATE_LIMIT_DEVICE_REQUESTS" | "RATE_LIMIT_USER_REQUESTS">): RateLimitConfig {
  return { windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS, perDevice: config.RATE_LIMIT_DEVICE_REQUESTS, perUser: config.RATE_LIMIT_USER_REQUESTS };
}

// Keys carry the user: device ids are chosen by clients, so one user's id never counts for another.
const userKey = (userId: string) => `rl:user:${userId}`;
const deviceKey = (userId: string, deviceId: string) => `rl:device:${userId}:${deviceId}`;

/**
 * Counts one request of `subject` (token-bucket.ts) and throws 429 `rate_limited` when it is over
 * a limit. A limit of 0 is off. Called once per request by the route builder
 * (server/http/route.ts), for every device route.
 */
export async function enforceRateLimit(db: Db, subject: RateLimitSubject, config: RateLimitConfig = rateLimitConfig(env())): Promise<void> {
  const limits = new Map<string, { scope: RateLimitScope; limit: number }>();
  if (config.perUser > 0) limits.set(userKey(subject.userId), { scope: "user", limit: config.perUser });
  if (config.perDevice > 0 && subject.deviceId) limits.set(deviceKey(subject.userId, subject.deviceId), { scope: "device", limit: config.perDevice });
  if (limits.size === 0) return;
  const verdicts = await takeTokens(db, [...limits].map(([key, rule]) => ({ key, limit: rule.limit })), config.windowSeconds);
  const over = verdicts
    .map((verdict) => ({ verdict, rule: limits.get(verdict.key) }))
    .filter(({ verdict, rule }) => rule !== undefined && !verdict.admitted)
    .sort((a, b) => b.verdict.retryAfterSeconds - a.verdict.retryAfterSeconds)[0];
  if (!over?.rule) return;
  const { scope, limit } = over.rule;
  throw new AppError("rate_limited", `Too many requests for this ${scope}: at most ${limit} per ${config.windowSeconds} s`, {
    retry_after_seconds: over.verdict.retryAfterSeconds,
    scope,
    limit,
    window_seconds: config.windowSeconds,
  });
}

/** Retry-After for an error that carries `retry_after_seconds` (429, 503). */
export function retryAfterHeader(error: AppError): Record<string, string> {
  const seconds = error.details?.retry_after_seconds;
  return typeof seconds === "number" && seconds > 0 ? { "retry-after": String(Math.ceil(seconds)) } : {};
}
