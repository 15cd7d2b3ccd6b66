// Claiming deliveries and recording their attempts. A claim is one statement in one transaction:
//   1. Due: pending, its time has come, its endpoint enabled.
//   2. First of its (endpoint, stream): no pending delivery of the same endpoint and stream has a
//      lower position, so a waiting delivery holds back the later ones of its stream only.
//   3. FOR UPDATE SKIP LOCKED: two instances claiming at once never take the same row.
//   4. Its next attempt time is pushed past a lease: no other claim takes it while this one
//      sends, and if this instance dies mid-request the lease runs out and another sends it again
//      (delivery is at least once).
import type { Db } from "../db/client";
import { engineOf } from "../db/sql";

export type ClaimedDelivery = {
  id: string; endpoint_id: string; position: string; stream: string; body: string; attempts: number; url: string; secret: string;
};

const CLAIM = `
  WITH picked AS (
    SELECT d.id FROM webhook_deliveries d
    JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.disabled_at IS NULL
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries e
        WHERE e.endpoint_id = d.endpoint_id AND e.stream = d.stream AND e.status = 'pending' AND e.position < d.position)
    ORDER BY d.next_attempt_at, d.position
    LIMIT $1
    FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2), updated_at = now()
    FROM picked WHERE d.id = picked.id
    RETURNING d.id, d.endpoint_id, d.position, d.stream, d.body, d.attempts
  )
  SELECT c.id::text, c.endpoint_id::text, c.position::text, c.stream, c.body, c.attempts, w.url, w.secret
  FROM claimed c JOIN webhook_endpoints w ON w.id = c.endpoint_id`;

export async function claimDeliveries(db: Db, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  return engineOf(db).transaction((sql) => sql<ClaimedDelivery>(CLAIM, [limit, leaseSeconds]));
}

export type AttemptOutcome = { statusCode: number | null; latencyMs: number; error: string | null; responseExcerpt: string | null };

/**
 * Records one attempt. 2xx: succeeded. Otherwise the next attempt waits `retrySeconds[n - 1]`
 * after attempt n; after the last delay's attempt the delivery is failed.
 */
export async function recordAttempt(db: Db, delivery: Pick<ClaimedDelivery, "id">, outcome: AttemptOutcome, retrySeconds: readonly number[]): Promise<"succeeded" | "pending" | "failed" | "gone"> {
  const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  return engineOf(db).transaction(async (sql) => {
    // The attempt count is read under the row lock: a redelivery made meanwhile restarts it.
    const [row] = await sql<{ attempts: number }>("SELECT attempts FROM webhook_deliveries WHERE id = $1::uuid FOR UPDATE", [delivery.id]);
    if (!row) return "gone"; // its endpoint was removed while the request was out
    await sql(
      "INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms, error, response_excerpt) VALUES ($1::uuid, $2, $3, $4, $5)",
      [delivery.id, outcome.statusCode, outcome.latencyMs, outcome.error, outcome.responseExcerpt],
    );
    const attempts = row.attempts + 1;
    const delay = retrySeconds[attempts - 1];
    const status = ok ? "succeeded" : delay === undefined ? "failed" : "pending";
    await sql(
      `UPDATE webhook_deliveries SET attempts = $2, status = $3, last_status_code = $4, updated_at = now(),
         next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $5) ELSE next_attempt_at END
       WHERE id = $1::uuid`,
      [delivery.id, attempts, status, outcome.statusCode, delay ?? 0],
    );
    return status;
  });
}
