// Reading the per-item results stored on a batch (the push response) and on its replay attempts:
// the latest result of each item decides what a replay retries and what the console shows.
import { z } from "zod";
import { ZPushResult, type TPushResult } from "@syncdesk/protocol";

export type ItemResult = TPushResult;

const ZStoredResults = z.object({ results: z.array(ZPushResult) });
const ZAttemptResults = z.array(ZPushResult);

/** The results of a stored push response ({} or unreadable for a push that crashed: none). */
export function responseResults(response: unknown): ItemResult[] {
  const parsed = ZStoredResults.safeParse(response);
  return parsed.success ? parsed.data.results : [];
}

/** The results an attempt stored (only the items it retried). */
export function attemptResults(results: unknown): ItemResult[] {
  const parsed = ZAttemptResults.safeParse(results);
  return parsed.success ? parsed.data : [];
}

/** Each item's latest result: the push's, overridden by every later attempt in order. */
export function latestResults(
  itemCount: number,
  response: unknown,
  attempts: ReadonlyArray<{ results: unknown }>,
): Array<ItemResult | null> {
  const latest: Array<ItemResult | null> = Array.from({ length: itemCount }, () => null);
  for (const result of [responseResults(response), ...attempts.map((a) => attemptResults(a.results))].flat()) {
    if (result.index >= 0 && result.index < itemCount) latest[result.index] = result;
  }
  return latest;
}

/**
 * The items a replay re-processes. Partial mode: those that errored (or have no result because the
 * push crashed). Atomic mode applies all or nothing, so every item not applied yet goes again.
 */
export function retriableIndexes(mode: string, latest: ReadonlyArray<ItemResult | null>): number[] {
  return latest.flatMap((result, index) => {
    if (!result) return [index];
    const retry = mode === "atomic" ? result.status !== "ok" : result.status === "error";
    return retry ? [index] : [];
  });
}

/** The first error among a push's results, for "last error" of a device. */
export function firstError(results: ReadonlyArray<ItemResult>): { code: string; message: string } | null {
  const failed = results.find((r) => r.status === "error" && r.error);
  return failed?.error ?? null;
}
