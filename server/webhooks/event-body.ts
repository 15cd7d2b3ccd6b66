// The body of a "bundle.committed" request, built once per event when it is fanned out and stored
// with each delivery: every attempt (and a redelivery) sends the same bytes, and the body outlives
// a compaction of the changes it names. `changes` are PROTOCOL.md changes plus their `source`.
import type { Sql } from "../db/sql";
import { parseSourceText } from "../feed/source";
import type { TWebhookEvent } from "./schemas";

export type FeedEventRow = {
  position: string; stream: string; from_seq: string; to_seq: string; batch_id: string | null;
  source_kind: string; source_id: string; created_at: string;
};

type ChangeRow = {
  seq: string; type: string; record_id: string; op: string; version: number; data: unknown;
  updated_at: string; batch_id: string | null; conflict: unknown; source: string | null;
};

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

export const FEED_EVENT_COLUMNS = `position::text, stream, from_seq::text, to_seq::text, batch_id::text, source_kind, source_id, ${ISO("created_at")}`;

export async function buildEventBody(sql: Sql, event: FeedEventRow): Promise<string> {
  const rows = await sql<ChangeRow>(
    `SELECT seq::text, type, record_id, op, version, data, ${ISO("updated_at")}, batch_id::text, conflict, source
     FROM changes WHERE stream = $1 AND seq BETWEEN $2::bigint AND $3::bigint ORDER BY seq`,
    [event.stream, event.from_seq, event.to_seq],
  );
  const changes = rows.map((r) => {
    const source = parseSourceText(r.source);
    return {
      seq: Number(r.seq), stream: event.stream, type: r.type, id: r.record_id, op: r.op === "delete" ? "delete" : "upsert", version: r.version,
      ...(r.op !== "delete" && r.data !== null ? { data: r.data } : {}),
      updated_at: r.updated_at,
      ...(r.batch_id ? { batch_id: r.batch_id } : {}),
      ...(r.conflict !== null && typeof r.conflict === "object" ? { conflict: r.conflict } : {}),
      ...(source ? { source } : {}),
    };
  });
  const body: TWebhookEvent = {
    id: `evt_${event.position}`,
    event: "bundle.committed",
    created_at: event.created_at,
    data: {
      batch_id: event.batch_id, stream: event.stream, from_seq: Number(event.from_seq), to_seq: Number(event.to_seq),
      source: { kind: event.source_kind, id: event.source_id }, changes,
    },
  };
  return JSON.stringify(body);
}
