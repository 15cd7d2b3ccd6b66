-- Every version of each app type a server has started with, and whether it broke older tokens:
-- a later, compatible version must not forget that tokens from before a breaking one are stale.
CREATE TABLE "type_versions" (
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "breaking" BOOLEAN NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "type_versions_pkey" PRIMARY KEY ("type", "version")
);
