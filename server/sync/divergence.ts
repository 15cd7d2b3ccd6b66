// What the console shows of disaster recovery (docs/operations.md): when a device last held a
// position from a history this database no longer has, and when it came back. A device is healed
// once it acks a position in the current history: by then it has bootstrapped again and queued
// what it held that the server lost (pushed as `recovered`, see recovered.ts).
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";

export function isHistoryDiverged(error: unknown): boolean {
  return error instanceof AppError && error.code === "bootstrap_required" && error.details?.reason === "history_diverged";
}

/** Runs `check`; a history_diverged answer is noted on the device before it is thrown on. */
export async function notingDivergence<T>(db: Db, deviceRef: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (isHistoryDiverged(error)) {
      await sqlOf(db)("UPDATE devices SET diverged_at = $2::timestamptz, healed_at = NULL WHERE id = $1::uuid",
        [deviceRef, new Date().toISOString()]);
    }
    throw error;
  }
}

/**
 * Prefixed to the ack's statement as a CTE, so noting the heal costs the ack no round trip. $1 is
 * the device ref and $2 the time, as in the ack.
 */
export const NOTE_HEALED_CTE = `healed AS (
  UPDATE devices SET healed_at = $2::timestamptz WHERE id = $1::uuid AND diverged_at IS NOT NULL AND healed_at IS NULL)`;
