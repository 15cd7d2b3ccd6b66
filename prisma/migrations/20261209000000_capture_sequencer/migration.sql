-- Outside writers no longer flush at commit (docs/tables.md "How it works", "Cost"). A
-- transaction that is not Syncdesk's (neither syncdesk.in_bundle, set first thing by every
-- Syncdesk writer while capture is installed, nor syncdesk.source) stages the images of the rows each
-- statement wrote in capture_log, one row per statement: the writer pays one insert per statement
-- and holds no stream head. After commit, server/capture/sequence.ts turns the committed log into
-- changes, one bundle per transaction, in commit order, and deletes it in the same transaction.
-- Syncdesk's own transactions (pushes, resolutions, restores, the server API) keep the
-- commit-time flush, which now also refuses to commit (serialization_failure) when a row it wrote
-- has an outside write still in the log: its work read a mirror that was behind, and
-- server/sync/commit-bundle.ts sequences the log and runs it again.

-- Logged: a committed outside write must survive a crash until it is sequenced. id orders
-- statements across transactions: a statement that ran after another transaction committed has a
-- higher id than all of that transaction's, so ordering transactions by their last id puts every
-- transaction after those whose effects it saw or overwrote.
CREATE TABLE "capture_log" (
    "id" BIGSERIAL NOT NULL,
    "xid" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "rows" JSONB,
    "gone" TEXT[],
    "n" INTEGER NOT NULL,
    CONSTRAINT "capture_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "capture_log_xid_idx" ON "capture_log"("xid");

-- rows: to_jsonb of each row the statement inserted or updated (its state after the statement);
-- gone: keys of rows it deleted, or whose key an UPDATE changed; n: how many rows it wrote (what a
-- sequencer batch is sized by). A statement that touched no row stages nothing.
CREATE OR REPLACE FUNCTION "syncdesk_capture_stage"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  xid BIGINT;
BEGIN
  IF current_setting('syncdesk.in_bundle', true) IS DISTINCT FROM 'on' AND nullif(current_setting('syncdesk.source', true), '') IS NULL THEN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO capture_log (xid, type, role, rows, n)
      SELECT txid_current(), TG_ARGV[0], current_user, jsonb_agg(to_jsonb(r)), count(*) FROM new_rows r HAVING count(*) > 0;
    ELSIF TG_OP = 'UPDATE' THEN
      EXECUTE format(
        'INSERT INTO capture_log (xid, type, role, rows, gone, n)
         SELECT txid_current(), $1, current_user, r.rows, nullif(g.gone, ''{}''), r.n + cardinality(g.gone)
         FROM (SELECT jsonb_agg(to_jsonb(x)) AS rows, count(*)::int AS n FROM new_rows x) r,
              (SELECT ARRAY(SELECT %1$I::text FROM old_rows EXCEPT SELECT %1$I::text FROM new_rows) AS gone) g
         WHERE r.n > 0', TG_ARGV[1]) USING TG_ARGV[0];
    ELSE
      EXECUTE format(
        'INSERT INTO capture_log (xid, type, role, gone, n) SELECT txid_current(), $1, current_user, array_agg(%I::text), count(*) FROM old_rows HAVING count(*) > 0',
        TG_ARGV[1]) USING TG_ARGV[0];
    END IF;
    RETURN NULL;
  END IF;
  xid := txid_current();
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

-- The commit-time flush of Syncdesk's own transactions (20261208010000_capture_announce), with
-- step 1b.
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
  -- 1b. A row this transaction wrote whose earlier outside write is still in capture_log: the
  --     mirror this transaction read was behind, so it must run again once that is sequenced.
  IF current_setting('syncdesk.capture_check', true) IS DISTINCT FROM 'off' AND EXISTS (
    SELECT 1 FROM capture_log l JOIN capture_tables c ON c.type = l.type
    JOIN (SELECT p.type, array_agg(p.id) AS ids FROM capture_pending p WHERE p.xid = v_xid AND p.type <> '' GROUP BY p.type) k ON k.type = l.type
    WHERE l.xid <> v_xid AND (l.gone && k.ids OR EXISTS (SELECT 1 FROM jsonb_array_elements(l.rows) r WHERE r ->> c.key_column = ANY(k.ids)))
  ) THEN
    RAISE EXCEPTION 'syncdesk capture: an outside write to these rows is not sequenced yet'
      USING ERRCODE = 'serialization_failure', HINT = 'syncdesk_capture_behind';
  END IF;
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
