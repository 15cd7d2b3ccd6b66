-- A one-time password (first start, or set by an admin) must be replaced at the next login.
ALTER TABLE "staff_users" ADD COLUMN "must_change_password" BOOLEAN NOT NULL DEFAULT false;
