// Fan-out: each numbered feed event becomes one delivery per endpoint that wants it. One pass at a
// time across instances (a transaction-scoped advisory lock), so an event is queued once per
// endpoint (the unique (endpoint, position) key backs this up). Each endpoint remembers the feed
// position it has been given up to; a disabled endpoint's position moves on without deliveries.
// Positions only grow and are given after commit (server/feed/sequence.ts), so deliveries of one
// endpoint are created in feed order, which is seq order per stream. A pass is one statement per
// endpoint (bodies built in SQL, event-body.ts): it holds a pooled connection only briefly.
import type { Db } from "../db/client";
import { engineOf } from "../db/sql";
import { likePatterns } from "../keys/stream-patterns";
import { EVENT_BODY_SQL } from "./event-body";

const PASS_LIMIT = 500;
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('syncdesk.webhooks.fanout'))";

type EndpointRow = { id: string; events: string[]; streams: string[]; fanout_position: string; disabled: boolean };

const QUEUE = `
  INSERT INTO webhook_deliveries (id, endpoint_id, position, stream, body, status, next_attempt_at)
  SELECT gen_random_uuid(), $1::uuid, f.position, f.stream, ${EVENT_BODY_SQL}, 'pending', now()
  FROM feed_events f
  WHERE f.position > $2::bigint AND f.position <= $3::bigint AND f.stream LIKE ANY($4::text[])
  ORDER BY f.position
  ON CONFLICT (endpoint_id, position) DO NOTHING`;

/** Queues deliveries for the events numbered since each endpoint's position; returns how many events it looked at. */
export async function fanOutEvents(db: Db): Promise<number> {
  let seen = 0;
  for (;;) {
    const pass = await engineOf(db).transaction(async (sql) => {
      await sql(LOCK);
      const endpoints = await sql<EndpointRow>("SELECT id, events, streams, fanout_position::text, disabled_at IS NOT NULL AS disabled FROM webhook_endpoints");
      if (endpoints.length === 0) return 0;
      const from = endpoints.reduce((min, e) => (BigInt(e.fanout_position) < min ? BigInt(e.fanout_position) : min), BigInt(endpoints[0]?.fanout_position ?? 0));
      // The pass's range: at most PASS_LIMIT events past the endpoint furthest behind.
      const [range] = await sql<{ last: string | null; n: number }>(
        "SELECT max(position)::text AS last, count(*)::int AS n FROM (SELECT position FROM feed_events WHERE position > $1::bigint ORDER BY position LIMIT $2) e",
        [from.toString(), PASS_LIMIT]);
      if (!range?.last) return 0;
      for (const endpoint of endpoints) {
        if (endpoint.disabled || !endpoint.events.includes("bundle.committed") || BigInt(endpoint.fanout_position) >= BigInt(range.last)) continue;
        await sql(QUEUE, [endpoint.id, endpoint.fanout_position, range.last, likePatterns(endpoint.streams)]);
      }
      // Only the endpoints read above: one registered meanwhile starts from its own position.
      await sql("UPDATE webhook_endpoints SET fanout_position = $1::bigint WHERE fanout_position < $1::bigint AND id = ANY($2::uuid[])", [range.last, endpoints.map((e) => e.id)]);
      return range.n;
    });
    seen += pass;
    if (pass < PASS_LIMIT) return seen;
  }
}
