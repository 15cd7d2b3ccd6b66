-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "platform" TEXT,
    "app_version" TEXT,
    "streams" TEXT[],
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_checkpoints" (
    "device_ref" UUID NOT NULL,
    "stream" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "acked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_checkpoints_pkey" PRIMARY KEY ("device_ref","stream")
);

-- CreateTable
CREATE TABLE "streams" (
    "name" TEXT NOT NULL,
    "head_seq" BIGINT NOT NULL DEFAULT 0,
    "compacted_until_seq" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "streams_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "records" (
    "stream" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "checksum" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seq" BIGINT NOT NULL,

    CONSTRAINT "records_pkey" PRIMARY KEY ("stream","type","id")
);

-- CreateTable
CREATE TABLE "changes" (
    "stream" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "data" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "batch_id" UUID,
    "conflict" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "changes_pkey" PRIMARY KEY ("stream","seq")
);

-- CreateTable
CREATE TABLE "sync_batches" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "device_ref" UUID NOT NULL,
    "bundle_id" BIGINT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "response" JSONB NOT NULL,
    "mode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "item_count" INTEGER NOT NULL,
    "ok_count" INTEGER NOT NULL,
    "error_count" INTEGER NOT NULL,
    "conflict_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conflicts" (
    "id" UUID NOT NULL,
    "stream" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "device_ref" UUID,
    "batch_id" UUID,
    "item_index" INTEGER,
    "policy" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "fields" TEXT[],
    "base_version" INTEGER,
    "server_version" INTEGER NOT NULL,
    "base_data" JSONB,
    "server_data" JSONB,
    "client_data" JSONB,
    "client_action" TEXT NOT NULL,
    "server_deleted" BOOLEAN NOT NULL DEFAULT false,
    "resolution" TEXT,
    "resolved_data" JSONB,
    "resolved_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conflicts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "devices_last_seen_at_idx" ON "devices"("last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "devices_user_id_device_id_key" ON "devices"("user_id", "device_id");

-- CreateIndex
CREATE INDEX "device_checkpoints_stream_acked_at_idx" ON "device_checkpoints"("stream", "acked_at");

-- CreateIndex
CREATE INDEX "records_stream_last_seq_idx" ON "records"("stream", "last_seq");

-- CreateIndex
CREATE INDEX "changes_stream_type_record_id_version_idx" ON "changes"("stream", "type", "record_id", "version");

-- CreateIndex
CREATE INDEX "sync_batches_status_created_at_idx" ON "sync_batches"("status", "created_at");

-- CreateIndex
CREATE INDEX "sync_batches_user_id_created_at_idx" ON "sync_batches"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "sync_batches_device_ref_bundle_id_key" ON "sync_batches"("device_ref", "bundle_id");

-- CreateIndex
CREATE INDEX "conflicts_user_id_status_created_at_idx" ON "conflicts"("user_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "conflicts_status_created_at_idx" ON "conflicts"("status", "created_at");

-- CreateIndex
CREATE INDEX "conflicts_stream_type_record_id_idx" ON "conflicts"("stream", "type", "record_id");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- AddForeignKey
ALTER TABLE "device_checkpoints" ADD CONSTRAINT "device_checkpoints_device_ref_fkey" FOREIGN KEY ("device_ref") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_batches" ADD CONSTRAINT "sync_batches_device_ref_fkey" FOREIGN KEY ("device_ref") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
