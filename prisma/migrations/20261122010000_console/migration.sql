-- CreateTable
CREATE TABLE "staff_users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" TEXT NOT NULL,
    "password_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "staff_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_attempts" (
    "id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "results" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "batch_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_email_key" ON "staff_users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "batch_attempts_batch_id_attempt_key" ON "batch_attempts"("batch_id", "attempt");

-- CreateIndex
CREATE INDEX "devices_platform_idx" ON "devices"("platform");

-- CreateIndex
CREATE INDEX "sync_batches_device_ref_created_at_idx" ON "sync_batches"("device_ref", "created_at");

-- CreateIndex
CREATE INDEX "conflicts_type_status_created_at_idx" ON "conflicts"("type", "status", "created_at");

-- CreateIndex
CREATE INDEX "conflicts_device_ref_status_idx" ON "conflicts"("device_ref", "status");

-- CreateIndex
CREATE INDEX "audit_log_action_at_idx" ON "audit_log"("action", "at");

-- AddForeignKey
ALTER TABLE "batch_attempts" ADD CONSTRAINT "batch_attempts_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "sync_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log is append-only: the database itself refuses UPDATE and DELETE. Retention (a
-- system job) may delete old rows only after `SET LOCAL syncdesk.audit_retention = 'on'`.
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('syncdesk.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_log_append_only"
BEFORE UPDATE OR DELETE ON "audit_log"
FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "audit_log_no_truncate"
BEFORE TRUNCATE ON "audit_log"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
