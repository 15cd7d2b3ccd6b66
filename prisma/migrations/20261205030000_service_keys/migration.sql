-- Service keys of the team's backend (INTEGRATION.md section 2). Only a SHA-256 of each key is
-- kept: the key itself is shown once, at creation. 32 random bytes need no slow hash.
CREATE TABLE "service_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "streams" TEXT[],
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "service_keys_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "service_keys_name_key" ON "service_keys"("name");
CREATE UNIQUE INDEX "service_keys_key_hash_key" ON "service_keys"("key_hash");
