-- The change feed's compaction horizon (server/feed/feed-position.ts): per compacted stream, the
-- newest event holding a seq at or below its compaction point, found by one index probe.
CREATE INDEX "feed_events_stream_from_seq_idx" ON "feed_events"("stream", "from_seq");
