// The body of a "bundle.committed" request, built in SQL by the fan-out's one INSERT per endpoint
// (fanout.ts) and stored with each delivery: every attempt (and a redelivery) sends the same bytes,
// the body outlives a compaction of the changes it names, and building it costs the server's
// event loop nothing (it shares the process with pushes; bench/measures/webhooks.ts).
// `changes` are PROTOCOL.md changes (data absent on deletes, batch_id and conflict when set) plus
// their `source` ("kind:id" on the change, as server/feed/source.ts reads it).

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const CHANGE = `
  jsonb_build_object('seq', c.seq, 'stream', c.stream, 'type', c.type, 'id', c.record_id,
    'op', CASE WHEN c.op = 'delete' THEN 'delete' ELSE 'upsert' END, 'version', c.version, 'updated_at', ${ISO("c.updated_at")})
  || CASE WHEN c.op <> 'delete' AND c.data IS NOT NULL THEN jsonb_build_object('data', c.data) ELSE '{}'::jsonb END
  || CASE WHEN c.batch_id IS NOT NULL THEN jsonb_build_object('batch_id', c.batch_id::text) ELSE '{}'::jsonb END
  || CASE WHEN jsonb_typeof(c.conflict) = 'object' THEN jsonb_build_object('conflict', c.conflict) ELSE '{}'::jsonb END
  || CASE WHEN c.source ~ '^(device|server|staff|sql):'
       THEN jsonb_build_object('source', jsonb_build_object('kind', split_part(c.source, ':', 1), 'id', substr(c.source, strpos(c.source, ':') + 1)))
       ELSE '{}'::jsonb END`;

/** The body of feed event `f` (a feed_events row), as text. */
export const EVENT_BODY_SQL = `
  jsonb_build_object(
    'id', 'evt_' || f.position,
    'event', 'bundle.committed',
    'created_at', ${ISO("f.created_at")},
    'data', jsonb_build_object(
      'batch_id', f.batch_id::text, 'stream', f.stream, 'from_seq', f.from_seq, 'to_seq', f.to_seq,
      'source', jsonb_build_object('kind', f.source_kind, 'id', f.source_id),
      'changes', COALESCE((
        SELECT jsonb_agg(${CHANGE} ORDER BY c.seq)
        FROM changes c WHERE c.stream = f.stream AND c.seq BETWEEN f.from_seq AND f.to_seq), '[]'::jsonb))
  )::text`;
