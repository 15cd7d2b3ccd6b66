-- History fingerprints (docs/protocol.md "History fingerprints"): each change carries a chained hash
-- of its stream's history up to it, and a stream keeps the hash at its head and at its compaction
-- point, so a position a device holds is checked with one primary-key lookup. Existing changes keep
-- NULL: the chain starts at the first change written after this migration, and positions at
-- unhashed changes are checked against the head only. No backfill, no rewrite of the log.
ALTER TABLE "changes" ADD COLUMN "hash" TEXT;
ALTER TABLE "streams" ADD COLUMN "head_hash" TEXT;
ALTER TABLE "streams" ADD COLUMN "compacted_hash" TEXT;
