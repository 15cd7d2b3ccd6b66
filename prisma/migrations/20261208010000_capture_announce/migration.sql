-- Table capture without NOTIFY at commit, and a cheaper checksum (docs/tables.md "Cost").
-- A transaction that NOTIFYs holds PostgreSQL's database-wide notify lock from its pre-commit until its commit record is
-- flushed, so every captured SQL write committed alone, one fsync after another (10 connections
-- writing one-row INSERTs waited on "Lock: object" and reached ~100 commits/s against ~1,800
-- plain). The flush now leaves each advanced stream's head in capture_announce instead: unlogged
-- (no WAL; a crash loses only pokes, and devices pull on their own schedule anyway), insert-only
-- (no shared row to queue on). server/capture/announce.ts reads and deletes the committed rows
-- every few hundred milliseconds and announces them like a push's commit (server/sync/announce.ts).
CREATE UNLOGGED TABLE "capture_announce" (
    "id" BIGSERIAL NOT NULL,
    "stream" TEXT NOT NULL,
    "head" BIGINT NOT NULL,
    CONSTRAINT "capture_announce_pkey" PRIMARY KEY ("id")
);

CREATE OR REPLACE FUNCTION "syncdesk_capture_flush"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_xid BIGINT := txid_current();
  v_source TEXT := coalesce(nullif(current_setting('syncdesk.source', true), ''), 'sql:' || current_user);
  v_batch UUID := nullif(current_setting('syncdesk.batch_id', true), '')::uuid;
  v_rows syncdesk_capture_row[];
  v_streams TEXT[];
  v_ops syncdesk_capture_op[];
  v_op syncdesk_capture_op;
  v_stream TEXT;
  v_hash TEXT;
  v_hashes TEXT[] := '{}';
BEGIN
  PERFORM set_config('syncdesk.capture_armed', '', true);
  -- 1.
  SELECT array_agg(x) INTO v_rows FROM capture_tables c
    JOIN (SELECT type, array_agg(id) AS ids FROM capture_pending WHERE xid = v_xid AND type <> '' GROUP BY type) k ON k.type = c.type,
    LATERAL syncdesk_capture_read(c, k.ids) x;
  DELETE FROM capture_pending WHERE xid = v_xid;
  IF v_rows IS NULL THEN RETURN NULL; END IF;
  -- 2.
  SELECT array_agg(DISTINCT s ORDER BY s) INTO v_streams FROM (
    SELECT r.stream AS s FROM unnest(v_rows) r WHERE r.stream IS NOT NULL
    UNION SELECT m.stream FROM records m JOIN unnest(v_rows) r ON m.type = r.type AND m.id = r.id WHERE NOT m.deleted
  ) x;
  IF v_streams IS NULL THEN RETURN NULL; END IF;
  INSERT INTO streams (name) SELECT unnest(v_streams) ON CONFLICT (name) DO NOTHING;
  PERFORM 1 FROM streams WHERE name = ANY(v_streams) ORDER BY name FOR UPDATE;
  -- 3.
  WITH r AS (SELECT * FROM unnest(v_rows)),
  dels AS (
    SELECT m.stream, m.type, m.id, 'delete' AS op, m.version + 1 AS version, NULL::jsonb AS data, m.data AS record_data, m.checksum
    FROM records m JOIN r ON m.type = r.type AND m.id = r.id
    WHERE NOT m.deleted AND (r.stream IS NULL OR m.stream <> r.stream)
  ), ups AS (
    SELECT r.stream, r.type, r.id, 'upsert' AS op, coalesce(m.version, 0) + 1 AS version, r.data, r.data AS record_data,
           syncdesk_checksum(r.data) AS checksum
    FROM r LEFT JOIN records m ON m.stream = r.stream AND m.type = r.type AND m.id = r.id
    WHERE r.stream IS NOT NULL AND (m.stream IS NULL OR m.deleted OR m.data IS DISTINCT FROM r.data)
  ), o AS (SELECT * FROM dels UNION ALL SELECT * FROM ups)
  SELECT array_agg(x ORDER BY x.n) INTO v_ops FROM (
    SELECT (row_number() OVER (ORDER BY o.stream, o.type, o.id))::int AS n, o.stream,
           s.head_seq + row_number() OVER (PARTITION BY o.stream ORDER BY o.type, o.id) AS seq,
           o.type, o.id, o.op, o.version, o.data, o.record_data, o.checksum, s.head_hash AS prev
    FROM o JOIN streams s ON s.name = o.stream
  ) x;
  IF v_ops IS NULL THEN RETURN NULL; END IF;
  IF EXISTS (SELECT 1 FROM unnest(v_ops) o WHERE NOT o.stream = ANY(v_streams)) THEN
    RAISE EXCEPTION 'syncdesk capture: a stream was not locked';
  END IF;
  FOREACH v_op IN ARRAY v_ops LOOP
    IF v_stream IS DISTINCT FROM v_op.stream THEN
      v_stream := v_op.stream;
      v_hash := v_op.prev;
    END IF;
    v_hash := syncdesk_chain_hash(v_hash, v_op.seq, v_op.type, v_op.id, v_op.op, v_op.version, v_op.checksum);
    v_hashes := v_hashes || v_hash;
  END LOOP;
  INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, batch_id, hash, source)
  SELECT o.stream, o.seq, o.type, o.id, o.op, o.version, o.data, now(), v_batch, v_hashes[o.n], v_source
  FROM unnest(v_ops) o ORDER BY o.n;
  INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
  SELECT o.stream, o.type, o.id, o.version, o.record_data, o.op = 'delete', o.checksum, now(), o.seq
  FROM unnest(v_ops) o ORDER BY o.n
  ON CONFLICT (stream, type, id) DO UPDATE SET
    version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
    checksum = EXCLUDED.checksum, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq;
  -- 4. (The announcement rows are read after commit by server/capture/announce.ts.)
  WITH heads AS (
    SELECT o.stream, min(o.seq) AS from_seq, max(o.seq) AS head, (array_agg(v_hashes[o.n] ORDER BY o.n DESC))[1] AS hash
    FROM unnest(v_ops) o GROUP BY o.stream
  ), moved AS (
    UPDATE streams s SET head_seq = h.head, head_hash = h.hash, updated_at = now() FROM heads h WHERE s.name = h.stream
  ), announced AS (
    INSERT INTO capture_announce (stream, head) SELECT h.stream, h.head FROM heads h
  )
  INSERT INTO feed_events (stream, from_seq, to_seq, batch_id, source_kind, source_id)
  SELECT h.stream, h.from_seq, h.head, v_batch, split_part(v_source, ':', 1), substr(v_source, position(':' IN v_source) + 1)
  FROM heads h ORDER BY h.stream;
  RETURN NULL;
END $$;
-- canonicalJson (server/sync/canonical.ts), as in 20261207050000_table_capture, with fast paths
-- that skip a nested call: strings, booleans and null print as jsonb prints them, and integers
-- of at most 15 digits (exact doubles, which JavaScript prints as they are) as written.
CREATE OR REPLACE FUNCTION "syncdesk_canonical_json"(v JSONB) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  CASE jsonb_typeof(v)
    WHEN 'object' THEN
      RETURN '{' || coalesce((SELECT string_agg(to_jsonb(e.key)::text || ':' || CASE
          WHEN jsonb_typeof(e.value) IN ('string', 'boolean', 'null') OR e.value::text ~ '^(0|-?[1-9][0-9]{0,14})$' THEN e.value::text
          ELSE syncdesk_canonical_json(e.value) END, ',' ORDER BY e.key COLLATE "C")
        FROM jsonb_each(v) e), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((SELECT string_agg(CASE
          WHEN jsonb_typeof(a.value) IN ('string', 'boolean', 'null') OR a.value::text ~ '^(0|-?[1-9][0-9]{0,14})$' THEN a.value::text
          ELSE syncdesk_canonical_json(a.value) END, ',' ORDER BY a.ord)
        FROM jsonb_array_elements(v) WITH ORDINALITY a(value, ord)), '') || ']';
    WHEN 'number' THEN
      IF v::text ~ '^(0|-?[1-9][0-9]{0,14})$' THEN RETURN v::text; END IF;
      RETURN syncdesk_js_number(v::text::numeric);
    ELSE
      RETURN v::text;
  END CASE;
END $$;
