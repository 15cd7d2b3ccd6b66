-- Optional TOTP second factor per staff account (server/staff/two-factor.ts). The secret is kept
-- only here: shown once while enrolling, never returned after. A pending secret waits for its
-- first code before it becomes the account's; the last time step used is refused a second time.
ALTER TABLE "staff_users" ADD COLUMN "totp_secret" TEXT;
ALTER TABLE "staff_users" ADD COLUMN "totp_pending_secret" TEXT;
ALTER TABLE "staff_users" ADD COLUMN "totp_enabled_at" TIMESTAMPTZ(3);
ALTER TABLE "staff_users" ADD COLUMN "totp_last_step" BIGINT;

-- Console-wide settings an admin changes: one row (id 1), written on first change.
CREATE TABLE "console_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "require_two_factor" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "console_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "console_settings_one_row" CHECK ("id" = 1)
);
