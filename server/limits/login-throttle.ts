// Login throttling of the console (docs/deployment.md "Limits and abuse protection"). Failed
// logins are counted per account and per client address in the database (shared by instances):
//   1. from LOGIN_SLOWDOWN_AFTER failures on, each further attempt waits a second more (at most 5);
//   2. at LOGIN_MAX_FAILURES for the account (LOGIN_MAX_FAILURES_PER_IP for the address) the
//      account (address) is locked for LOGIN_LOCK_MINUTES: every attempt is refused, a right
//      password too, without checking it;
//   3. a successful login clears its account's count (not its address's).
// Failures and locks are audited.
import { appendAudit } from "../audit/append";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { clearCounter, extendCounter, hitCounters, readCounter } from "./counter";

export type LoginThrottleConfig = { maxFailures: number; maxFailuresPerIp: number; slowdownAfter: number; lockSeconds: number };
export type LoginAttempt = { email: string; ip: string };
export type LoginGate = { locked: false; delayMs: number } | { locked: true; scope: "account" | "address"; retryAfterSeconds: number };

const MAX_DELAY_MS = 5_000;

export function loginThrottleConfig(
  config: Pick<Env, "LOGIN_MAX_FAILURES" | "LOGIN_MAX_FAILURES_PER_IP" | "LOGIN_SLOWDOWN_AFTER" | "LOGIN_LOCK_MINUTES">,
): LoginThrottleConfig {
  return {
    maxFailures: config.LOGIN_MAX_FAILURES,
    maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
    slowdownAfter: config.LOGIN_SLOWDOWN_AFTER,
    lockSeconds: config.LOGIN_LOCK_MINUTES * 60,
  };
}

const accountKey = (email: string) => `login:account:${email.trim().toLowerCase()}`;
const addressKey = (ip: string) => `login:ip:${ip}`;

/** The client address of a login: the address the nearest proxy saw (last X-Forwarded-For entry). */
export function clientAddress(headers: Record<string, unknown> | Headers | undefined): string {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    const value: unknown = headers instanceof Headers ? headers.get(name) : headers[name];
    return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value.join(",") : undefined;
  };
  const forwarded = get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  return (forwarded ?? get("x-real-ip")?.trim() ?? "unknown").slice(0, 100);
}

/** Whether an attempt may be checked now, and how long to make it wait first. */
export async function checkLoginGate(db: Db, attempt: LoginAttempt, config: LoginThrottleConfig): Promise<LoginGate> {
  const [account, address] = await Promise.all([readCounter(db, accountKey(attempt.email)), readCounter(db, addressKey(attempt.ip))]);
  if (config.maxFailures > 0 && account.count >= config.maxFailures) return { locked: true, scope: "account", retryAfterSeconds: account.retryAfterSeconds };
  if (config.maxFailuresPerIp > 0 && address.count >= config.maxFailuresPerIp) return { locked: true, scope: "address", retryAfterSeconds: address.retryAfterSeconds };
  const over = account.count - config.slowdownAfter + 1;
  return { locked: false, delayMs: config.slowdownAfter > 0 && over > 0 ? Math.min(over * 1000, MAX_DELAY_MS) : 0 };
}

/** Counts a failed login; locks the account or address when it reaches its limit. */
export async function recordLoginFailure(db: Db, attempt: LoginAttempt, config: LoginThrottleConfig): Promise<void> {
  const keys = { account: accountKey(attempt.email), address: addressKey(attempt.ip) };
  const hits = await hitCounters(db, [keys.account, keys.address], config.lockSeconds);
  const count = (key: string) => hits.find((h) => h.key === key)?.count ?? 0;
  const failures = count(keys.account);
  const actor = { type: "system" as const, id: "console-login" };
  await appendAudit(db, { actor, action: "staff.login_failed", target: { type: "login", id: attempt.email }, details: { ip: attempt.ip, failures } });
  const locks: Array<["account" | "address", string, number]> = [
    ["account", keys.account, config.maxFailures],
    ["address", keys.address, config.maxFailuresPerIp],
  ];
  for (const [scope, key, limit] of locks) {
    if (limit <= 0 || count(key) !== limit) continue;
    // The lock lasts its full time from the failure that reached the limit.
    await extendCounter(db, key, config.lockSeconds);
    await appendAudit(db, {
      actor,
      action: "staff.login_locked",
      target: { type: "login", id: scope === "account" ? attempt.email : attempt.ip },
      details: { scope, ip: attempt.ip, email: attempt.email, failures: count(key), lock_seconds: config.lockSeconds },
    });
  }
}

/** A successful login clears the account's failures. */
export async function recordLoginSuccess(db: Db, attempt: LoginAttempt): Promise<void> {
  await clearCounter(db, accountKey(attempt.email));
}

/** The error message next-auth hands the login form for a locked attempt (`locked:<seconds>`). */
export const lockedMessage = (gate: { retryAfterSeconds: number }) => `locked:${gate.retryAfterSeconds}`;
