-- Types backed by the team's own tables (INTEGRATION.md section 3; docs/tables.md). The team's
-- table is the truth; records/changes stay the derived mirror every route reads. Per captured
-- table, statement-level AFTER triggers (installed at start by server/capture/install.ts) stage
-- the keys each statement touched in capture_pending; the first staging of a transaction inserts
-- a marker row whose DEFERRABLE INITIALLY DEFERRED constraint trigger runs the flush once, at
-- commit: it compares each staged row with the mirror and writes the changes like a bundle does
-- (server/sync/bundle.ts): stream heads locked in name order until commit, consecutive seqs,
-- chained fingerprints, one feed event per advanced stream.

-- One row per table-backed type, written at start (server/capture/install.ts).
CREATE TABLE "capture_tables" (
    "type" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "key_column" TEXT NOT NULL,
    "key_type" TEXT NOT NULL,
    "stream_column" TEXT NOT NULL,
    "stream_prefix" TEXT NOT NULL,
    "columns" TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "capture_tables_pkey" PRIMARY KEY ("type")
);

-- Keys staged by a running transaction (xid), removed by its own flush before it commits, so no
-- committed row is ever left: unlogged (no WAL), since a crash loses only uncommitted work.
-- type '' is the marker row that schedules the flush.
CREATE UNLOGGED TABLE "capture_pending" (
    "xid" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    CONSTRAINT "capture_pending_pkey" PRIMARY KEY ("xid", "type", "id")
);

-- JSON.stringify's text of a number (ECMAScript Number::toString), from PostgreSQL's shortest
-- round-trip float8 digits: a device parses every number as a double, so its checksum is of that
-- double. extra_float_digits = 1 makes float8 output the shortest exact digits (PostgreSQL 12+).
CREATE FUNCTION "syncdesk_js_number"(n NUMERIC) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT SET extra_float_digits = 1 AS $$
DECLARE
  s TEXT := (n::float8)::text;
  neg BOOLEAN := left(s, 1) = '-';
  mantissa TEXT;
  e INT := 0;
  digits TEXT;
  p INT;
  k INT;
  x INT;
BEGIN
  IF n = 0 THEN RETURN '0'; END IF;
  IF neg THEN s := substr(s, 2); END IF;
  IF position('e' IN s) > 0 THEN
    mantissa := split_part(s, 'e', 1);
    e := split_part(s, 'e', 2)::int;
  ELSE
    mantissa := s;
  END IF;
  -- p: where the decimal point sits relative to the first digit of `digits`.
  p := CASE WHEN position('.' IN mantissa) > 0 THEN position('.' IN mantissa) - 1 ELSE length(mantissa) END + e;
  digits := replace(mantissa, '.', '');
  WHILE left(digits, 1) = '0' LOOP
    digits := substr(digits, 2);
    p := p - 1;
  END LOOP;
  digits := rtrim(digits, '0');
  k := length(digits);
  IF k <= p AND p <= 21 THEN
    s := digits || repeat('0', p - k);
  ELSIF 0 < p AND p <= 21 THEN
    s := left(digits, p) || '.' || substr(digits, p + 1);
  ELSIF -6 < p AND p <= 0 THEN
    s := '0.' || repeat('0', -p) || digits;
  ELSE
    x := p - 1;
    s := left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
      || 'e' || CASE WHEN x >= 0 THEN '+' ELSE '-' END || abs(x)::text;
  END IF;
  RETURN CASE WHEN neg THEN '-' || s ELSE s END;
END $$;

-- canonicalJson of server/sync/canonical.ts for what jsonb can hold: keys sorted, no whitespace.
-- Strings, booleans and null print as JSON.stringify prints them; numbers go through
-- syncdesk_js_number. Keys sort by code point (COLLATE "C"), JavaScript by UTF-16 unit: the two
-- differ only between a key character above U+FFFF and one in U+E000-U+FFFF (docs/tables.md).
CREATE FUNCTION "syncdesk_canonical_json"(v JSONB) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  CASE jsonb_typeof(v)
    WHEN 'object' THEN
      RETURN '{' || coalesce((SELECT string_agg(to_jsonb(e.key)::text || ':' || syncdesk_canonical_json(e.value), ',' ORDER BY e.key COLLATE "C")
                              FROM jsonb_each(v) e), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((SELECT string_agg(syncdesk_canonical_json(a.value), ',' ORDER BY a.ord)
                              FROM jsonb_array_elements(v) WITH ORDINALITY a(value, ord)), '') || ']';
    WHEN 'number' THEN
      RETURN syncdesk_js_number(v::text::numeric);
    ELSE
      RETURN v::text;
  END CASE;
END $$;

-- checksumOf (server/sync/canonical.ts).
CREATE FUNCTION "syncdesk_checksum"(v JSONB) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT 'sha256:' || encode(sha256(convert_to(syncdesk_canonical_json(v), 'UTF8')), 'hex')
$$;

-- chainHash (server/sync/fingerprint.ts): the JSON array of the link, sha256, 16 bytes, base64url.
CREATE FUNCTION "syncdesk_chain_hash"(prev TEXT, seq BIGINT, type TEXT, id TEXT, op TEXT, version INT, checksum TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT translate(rtrim(encode(substring(sha256(convert_to(
    '[' || to_jsonb(coalesce(prev, ''))::text || ',' || to_jsonb(seq::text)::text || ',' || to_jsonb(type)::text || ','
        || to_jsonb(id)::text || ',' || to_jsonb(op)::text || ',' || version::text || ',' || to_jsonb(checksum)::text || ']',
    'UTF8')) FROM 1 FOR 16), 'base64'), '='), '+/', '-_')
$$;

-- The statement trigger of a captured table: TG_ARGV = (type, key column). Stages the keys of the
-- rows the statement wrote (before and after, so a changed key is a delete and an insert) and
-- schedules the flush once per transaction (the marker row; a rolled-back savepoint takes back
-- both the marker and the setting, so they stay in step).
CREATE FUNCTION "syncdesk_capture_stage"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  xid BIGINT := txid_current();
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO capture_pending (xid, type, id) SELECT DISTINCT $1, $2, %I::text FROM new_rows ON CONFLICT DO NOTHING', TG_ARGV[1])
      USING xid, TG_ARGV[0];
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('INSERT INTO capture_pending (xid, type, id) SELECT DISTINCT $1, $2, %I::text FROM old_rows ON CONFLICT DO NOTHING', TG_ARGV[1])
      USING xid, TG_ARGV[0];
  END IF;
  IF current_setting('syncdesk.capture_armed', true) IS DISTINCT FROM xid::text THEN
    PERFORM set_config('syncdesk.capture_armed', xid::text, true);
    INSERT INTO capture_pending (xid, type, id) VALUES (xid, '', '') ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers and leaves no rows to compare: refused (docs/tables.md).
CREATE FUNCTION "syncdesk_capture_refuse_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE of % is refused: it is the table of Syncdesk type "%" and would not reach devices; use DELETE', TG_TABLE_NAME, TG_ARGV[0]
    USING ERRCODE = 'feature_not_supported';
END $$;

CREATE TYPE "syncdesk_capture_row" AS ("type" TEXT, "id" TEXT, "stream" TEXT, "data" JSONB);
CREATE TYPE "syncdesk_capture_op" AS (
  "n" INT, "stream" TEXT, "seq" BIGINT, "type" TEXT, "id" TEXT, "op" TEXT, "version" INT,
  "data" JSONB, "record_data" JSONB, "checksum" TEXT, "prev" TEXT
);

-- One type's staged keys as they stand in its table now (stream NULL: the row is gone).
CREATE FUNCTION "syncdesk_capture_read"(cfg capture_tables, ids TEXT[]) RETURNS SETOF syncdesk_capture_row
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT $1, p.id, CASE WHEN t.%2$I IS NULL THEN NULL ELSE $2 || t.%2$I::text END,
       CASE WHEN t.%2$I IS NULL THEN NULL ELSE (SELECT coalesce(jsonb_object_agg(e.key, e.value), ''{}'')
         FROM jsonb_each(to_jsonb(t)) e WHERE e.key = ANY($4) AND e.value <> ''null''::jsonb) END
     FROM unnest($3::text[]) p(id) LEFT JOIN %3$s t ON t.%1$I = p.id::%4$s',
    cfg.key_column, cfg.stream_column, cfg.table_name, cfg.key_type)
    USING cfg.type, cfg.stream_prefix, ids, cfg.columns;
END $$;

-- The flush, at commit (steps mirror server/sync/commit-bundle.ts):
--   1. take this transaction's staged keys and read those rows as they stand in their tables;
--   2. lock the head rows of every stream they touch (their new streams and the mirror's), in name
--      order, creating missing ones first: held until commit, so seq order is commit order;
--   3. per stream, in (type, id) order: a live mirror record on another stream than its row (or
--      whose row is gone) gets a delete; a row whose data differs from its mirror (or has none)
--      gets an upsert; equal data gets nothing (an UPDATE that changed nothing, or a Syncdesk push
--      whose bundle already wrote the mirror). Seqs follow each head; the fingerprint chain is the
--      one sequential part, the writes are one statement per table;
--   4. each stream's new head, fingerprint and feed event.
-- Attribution: "sql:<role>", unless a Syncdesk bundle of this transaction said otherwise.
CREATE FUNCTION "syncdesk_capture_flush"() RETURNS trigger
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
  -- 4.
  WITH heads AS (
    SELECT o.stream, min(o.seq) AS from_seq, max(o.seq) AS head, (array_agg(v_hashes[o.n] ORDER BY o.n DESC))[1] AS hash
    FROM unnest(v_ops) o GROUP BY o.stream
  ), moved AS (
    UPDATE streams s SET head_seq = h.head, head_hash = h.hash, updated_at = now() FROM heads h WHERE s.name = h.stream
  )
  INSERT INTO feed_events (stream, from_seq, to_seq, batch_id, source_kind, source_id)
  SELECT h.stream, h.from_seq, h.head, v_batch, split_part(v_source, ':', 1), substr(v_source, position(':' IN v_source) + 1)
  FROM heads h ORDER BY h.stream;
  -- Live updates (server/live/hub.ts): delivered at commit to every instance's LISTEN connection,
  -- one notification per stream so no payload nears NOTIFY's 8000-byte limit.
  PERFORM pg_notify('syncdesk_changes', json_build_object('i', 'sql', 'h', json_build_object(h.stream, h.head))::text)
  FROM (SELECT o.stream, max(o.seq) AS head FROM unnest(v_ops) o GROUP BY o.stream) h;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER "syncdesk_capture_flush" AFTER INSERT ON "capture_pending"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.type = '') EXECUTE FUNCTION syncdesk_capture_flush();
