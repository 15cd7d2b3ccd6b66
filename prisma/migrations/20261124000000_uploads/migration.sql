-- Uploads and media (issue 4): finished blobs, the streams referencing them, resumable upload
-- sessions and presigned media reservations.

-- CreateTable
CREATE TABLE "blobs" (
    "key" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT,
    "content_type" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "blob_refs" (
    "blob_key" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blob_refs_pkey" PRIMARY KEY ("blob_key","stream")
);

-- CreateTable
CREATE TABLE "upload_sessions" (
    "id" UUID NOT NULL,
    "owner_id" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "expected_sha256" TEXT,
    "offset" BIGINT NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "storage_key" TEXT NOT NULL,
    "store_state" JSONB NOT NULL,
    "lease_until" TIMESTAMPTZ(3),
    "blob_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "upload_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_uploads" (
    "key" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_uploads_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "blobs_owner_id_created_at_idx" ON "blobs"("owner_id", "created_at");

-- CreateIndex
CREATE INDEX "blobs_storage_key_idx" ON "blobs"("storage_key");

-- CreateIndex
CREATE INDEX "blob_refs_stream_idx" ON "blob_refs"("stream");

-- CreateIndex
CREATE INDEX "upload_sessions_owner_id_created_at_idx" ON "upload_sessions"("owner_id", "created_at");

-- CreateIndex
CREATE INDEX "upload_sessions_expires_at_idx" ON "upload_sessions"("expires_at");

-- CreateIndex
CREATE INDEX "media_uploads_expires_at_idx" ON "media_uploads"("expires_at");

-- AddForeignKey
ALTER TABLE "blob_refs" ADD CONSTRAINT "blob_refs_blob_key_fkey" FOREIGN KEY ("blob_key") REFERENCES "blobs"("key") ON DELETE CASCADE ON UPDATE CASCADE;
