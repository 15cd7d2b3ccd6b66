-- Healing after a restore or a failover (docs/operations.md): a push of records a device offered
-- back after `history_diverged` is marked on its batch, and each device keeps when it last reported
-- a diverged history and when it came back to the current one, for the console's devices page.
ALTER TABLE "sync_batches" ADD COLUMN "recovered" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "devices" ADD COLUMN "diverged_at" TIMESTAMPTZ(3);
ALTER TABLE "devices" ADD COLUMN "healed_at" TIMESTAMPTZ(3);
