// Exponential backoff with jitter for requests that may be repeated as they are (the caller makes
// sure of that: a push is retried with its stored body, so the server applies it once).
import { SyncError } from "./http";

export type RetryPolicy = {
  /** Tries in all, the first one included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before retry number `n` (0-based): base * 2^n, capped, with half of it random. */
export function backoffDelay(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** n);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Runs `fn` until it succeeds, fails for good, or the attempts run out (the last error is thrown). */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, sleep: Sleep): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await fn();
    } catch (error) {
      const retryable = error instanceof SyncError && error.retryable;
      if (!retryable || n + 1 >= policy.attempts) throw error;
      await sleep(Math.max(backoffDelay(policy, n), error.retryAfterMs ?? 0));
    }
  }
}
