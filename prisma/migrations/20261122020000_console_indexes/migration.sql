-- CreateIndex
CREATE INDEX "sync_batches_created_at_idx" ON "sync_batches"("created_at");

-- CreateIndex
CREATE INDEX "conflicts_created_at_id_idx" ON "conflicts"("created_at", "id");

-- CreateIndex
CREATE INDEX "conflicts_resolved_at_idx" ON "conflicts"("resolved_at");
