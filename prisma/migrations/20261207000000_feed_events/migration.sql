-- The change feed's outbox (docs/backend.md "The change feed"). Every bundle writes one event per
-- stream it advanced, in its own transaction: the seq range it wrote and who wrote it. Events are
-- numbered for the feed only after they commit, by one sequencer at a time (server/feed/sequence.ts),
-- so a position is never handed out to a transaction that could still commit behind it.
-- `id` is the insertion order, used only to order one sequencing pass. Unsequenced events are
-- found through the position index (btree indexes keep NULLs).
CREATE TABLE "feed_events" (
    "id" BIGSERIAL NOT NULL,
    "position" BIGINT,
    "stream" TEXT NOT NULL,
    "from_seq" BIGINT NOT NULL,
    "to_seq" BIGINT NOT NULL,
    "batch_id" UUID,
    "source_kind" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "feed_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "feed_events_position_key" ON "feed_events"("position");

-- Who wrote a change: "device:<id>", "server:<writer>", "staff:<id>" or "sql:<role>" (NULL before
-- this migration).
ALTER TABLE "changes" ADD COLUMN "source" TEXT;
