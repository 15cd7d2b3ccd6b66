// Fan-out: each numbered feed event becomes one delivery per endpoint that wants it. One pass at a
// time across instances (a transaction-scoped advisory lock), so an event is queued once per
// endpoint (the unique (endpoint, position) key backs this up). Each endpoint remembers the feed
// position it has been given up to; a disabled endpoint's position moves on without deliveries.
// Positions only grow and are given after commit (server/feed/sequence.ts), so deliveries of one
// endpoint are created in feed order, which is seq order per stream.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { engineOf } from "../db/sql";
import { streamAllowed } from "../keys/stream-patterns";
import { buildEventBody, FEED_EVENT_COLUMNS, type FeedEventRow } from "./event-body";

const PASS_LIMIT = 500;
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('syncdesk.webhooks.fanout'))";

type EndpointRow = { id: string; events: string[]; streams: string[]; fanout_position: string; disabled: boolean };

/** Queues deliveries for the events numbered since each endpoint's position; returns how many. */
export async function fanOutEvents(db: Db): Promise<number> {
  let queued = 0;
  for (;;) {
    const pass = await engineOf(db).transaction(async (sql) => {
      await sql(LOCK);
      const endpoints = await sql<EndpointRow>("SELECT id, events, streams, fanout_position::text, disabled_at IS NOT NULL AS disabled FROM webhook_endpoints");
      if (endpoints.length === 0) return { events: 0, queued: 0 };
      const from = endpoints.reduce((min, e) => (BigInt(e.fanout_position) < min ? BigInt(e.fanout_position) : min), BigInt(endpoints[0]?.fanout_position ?? 0));
      const events = await sql<FeedEventRow>(
        `SELECT ${FEED_EVENT_COLUMNS} FROM feed_events WHERE position > $1::bigint ORDER BY position LIMIT $2`, [from.toString(), PASS_LIMIT]);
      const last = events.at(-1);
      if (!last) return { events: 0, queued: 0 };
      const bodies = new Map<string, string>();
      let made = 0;
      for (const endpoint of endpoints) {
        if (endpoint.disabled || !endpoint.events.includes("bundle.committed")) continue;
        const wanted = events.filter((e) => BigInt(e.position) > BigInt(endpoint.fanout_position) && streamAllowed(endpoint.streams, e.stream));
        for (const event of wanted) {
          const body = bodies.get(event.position) ?? (await buildEventBody(sql, event));
          bodies.set(event.position, body);
          await sql(
            `INSERT INTO webhook_deliveries (id, endpoint_id, position, stream, body, status, next_attempt_at)
             VALUES ($1::uuid, $2::uuid, $3::bigint, $4, $5, 'pending', now()) ON CONFLICT (endpoint_id, position) DO NOTHING`,
            [randomUUID(), endpoint.id, event.position, event.stream, body],
          );
          made += 1;
        }
      }
      // Only the endpoints read above: one registered meanwhile starts from its own position.
      await sql("UPDATE webhook_endpoints SET fanout_position = $1::bigint WHERE fanout_position < $1::bigint AND id = ANY($2::uuid[])", [last.position, endpoints.map((e) => e.id)]);
      return { events: events.length, queued: made };
    });
    queued += pass.queued;
    if (pass.events < PASS_LIMIT) return queued;
  }
}
