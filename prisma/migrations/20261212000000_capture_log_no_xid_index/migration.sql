-- Every outside write to a captured table inserts a capture_log row; no reader looks it up by xid
-- (the sequencer reads by id, server/capture/sequence-read.ts; the checks of Syncdesk's own writes
-- scan the log, which the sequencer keeps short), so this index only cost each writer an index
-- insert and the sequencer's deletes their cleanup.
DROP INDEX IF EXISTS "capture_log_xid_idx";
