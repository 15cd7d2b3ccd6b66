// prisma/schema.prisma and prisma/migrations must describe the same database. Migrations are
// hand-written, so this is the test that notices when they drift apart: it migrates a fresh
// database of each engine and compares its catalog with the schema (server/db/schema-check.ts).
// The other cases prove the comparison can fail, from either side.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "@/server/db/client";
import { migrate, readMigrations } from "@/server/db/migrator";
import { compareSchemas, readDatabaseShape, type SchemaShape } from "@/server/db/schema-check";
import { expectedShapeFromPrisma } from "@/server/db/schema-prisma";
import { createEmptyTestSession, testDbEngine, type EmptyTestDatabase } from "@/test/support/database";

const SCHEMA = readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");

/** Edits the schema text, failing loudly if a text to replace is gone (the test would be moot). */
function alterSchema(...edits: Array<[from: string, to: string]>): string {
  return edits.reduce((schema, [from, to]) => {
    if (!schema.includes(from)) throw new Error(`schema.prisma no longer contains: ${from}`);
    return schema.replace(from, to);
  }, SCHEMA);
}

describe(`schema.prisma against the migrated database on ${testDbEngine()}`, () => {
  let db: EmptyTestDatabase;
  let migrated: SchemaShape;

  beforeAll(async () => {
    db = await createEmptyTestSession();
    await migrate(db.session, readMigrations(MIGRATIONS_DIR));
    migrated = await readDatabaseShape(db.session);
  });

  afterAll(async () => {
    await db?.close();
  });

  it("agree on tables, columns, types, nullability, defaults, keys, indexes and foreign keys", () => {
    const expected = expectedShapeFromPrisma(SCHEMA);
    // Not vacuous: both sides really hold the data model.
    expect(expected.tables.length).toBeGreaterThanOrEqual(8);
    expect(migrated.tables.map((t) => t.name).sort()).toEqual(expected.tables.map((t) => t.name).sort());

    expect(compareSchemas(expected, migrated)).toEqual([]);
  });

  it("reports a model that gained a column, type, nullability, index or relation change", () => {
    // The first match of each text is edited: Device, DeviceCheckpoint, Record, SyncBatch.
    const altered = alterSchema(
      ['  lastError   String?   @map("last_error")\n', '  lastError   String?   @map("last_error")\n  nickname    String?\n'],
      ["  seq       BigInt\n", "  seq       Int\n"],
      ["  platform    String?\n", "  platform    String\n"],
      ["  @@index([lastSeenAt])\n", ""],
      ["  @@index([stream, lastSeq])\n", "  @@unique([stream, lastSeq])\n"],
      ["onDelete: Cascade)\n  attempts BatchAttempt[]\n", "onDelete: Restrict)\n  attempts BatchAttempt[]\n"],
    );

    expect(compareSchemas(expectedShapeFromPrisma(altered), migrated)).toEqual([
      "table devices: column nickname is in schema.prisma but not in the database",
      "table devices, column platform: nullable in the database, NOT NULL in schema.prisma",
      "table devices: index (last_seen_at) is in the database but not in schema.prisma",
      "table device_checkpoints, column seq: type is bigint in the database, integer in schema.prisma",
      "table records: unique index (stream, last_seq) is in schema.prisma but not in the database",
      "table records: index (stream, last_seq) is in the database but not in schema.prisma",
      "table sync_batches: foreign key (device_ref) -> devices (id) ON DELETE Restrict ON UPDATE Cascade is in schema.prisma but not in the database",
      "table sync_batches: foreign key (device_ref) -> devices (id) ON DELETE Cascade ON UPDATE Cascade is in the database but not in schema.prisma",
    ]);
  });

  it("reports a schema model whose table was never migrated", () => {
    const altered = alterSchema(["model Stream {", 'model Tag {\n  name String @id\n\n  @@map("tags")\n}\n\nmodel Stream {']);
    expect(compareSchemas(expectedShapeFromPrisma(altered), migrated)).toEqual([
      "schema: table tags is in schema.prisma but not in the database",
    ]);
  });
});

describe(`a database changed behind the schema's back on ${testDbEngine()}`, () => {
  it("is reported column by column and index by index", async () => {
    const db = await createEmptyTestSession();
    try {
      await migrate(db.session, readMigrations(MIGRATIONS_DIR));
      await db.session.exec(`
        ALTER TABLE "devices" ADD COLUMN "nickname" TEXT;
        ALTER TABLE "devices" ALTER COLUMN "user_id" DROP NOT NULL;
        ALTER TABLE "streams" ALTER COLUMN "head_seq" TYPE INTEGER;
        ALTER TABLE "conflicts" ALTER COLUMN "status" SET DEFAULT 'new';
        DROP INDEX "audit_log_at_idx";
        CREATE UNIQUE INDEX "records_checksum_key" ON "records"("checksum") WHERE "deleted" = false;
        ALTER TABLE "device_checkpoints" DROP CONSTRAINT "device_checkpoints_device_ref_fkey";
        CREATE TABLE "scratch" ("id" INTEGER);
      `);

      const differences = compareSchemas(expectedShapeFromPrisma(SCHEMA), await readDatabaseShape(db.session));

      expect(differences).toEqual([
        "schema: table scratch is in the database but not in schema.prisma",
        "table devices: column nickname is in the database but not in schema.prisma",
        "table devices, column user_id: nullable in the database, NOT NULL in schema.prisma",
        "table device_checkpoints: foreign key (device_ref) -> devices (id) ON DELETE Cascade ON UPDATE Cascade is in schema.prisma but not in the database",
        "table streams, column head_seq: type is integer in the database, bigint in schema.prisma",
        "table records: unique index (checksum) WHERE (deleted = false) is in the database but not in schema.prisma",
        "table conflicts, column status: default new in the database, default open in schema.prisma",
        "table audit_log: index (at) is in schema.prisma but not in the database",
      ]);
    } finally {
      await db.close();
    }
  });
});
