-- CreateTable
CREATE TABLE "tus_uploads" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "device_id" TEXT,
    "storage_key" TEXT NOT NULL,
    "size" BIGINT,
    "metadata" JSONB NOT NULL,
    "blob_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "tus_uploads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tus_uploads_user_id_created_at_idx" ON "tus_uploads"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "tus_uploads_expires_at_idx" ON "tus_uploads"("expires_at");
