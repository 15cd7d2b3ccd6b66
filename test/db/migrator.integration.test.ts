// The migrator on a real database of each engine. Cases with edited or failing migrations use
// migration folders written into a temp directory, so prisma/migrations is never touched.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmptyTestSession, testDbEngine, type EmptyTestDatabase } from "@/test/support/database";
import { MIGRATIONS_DIR } from "@/server/db/client";
import { migrate, MigrationError, readMigrations } from "@/server/db/migrator";
import type { SqlSession } from "@/server/db/sql-session";

type MigrationRow = {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const engine = testDbEngine();
let db: EmptyTestDatabase;
let tempDirs: string[] = [];

beforeEach(async () => {
  db = await createEmptyTestSession();
});

afterEach(async () => {
  await db.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs = [];
});

function writeMigrations(files: Record<string, string>, dir = mkdtempSync(path.join(tmpdir(), "syncdesk-migrations-"))): string {
  if (!tempDirs.includes(dir)) tempDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

function appliedRows(session: SqlSession): Promise<MigrationRow[]> {
  return session.query<MigrationRow>(
    `SELECT id, migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name`,
  );
}

async function tableNames(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT table_name::text AS name FROM information_schema.tables
      WHERE table_schema = current_schema() ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

async function columnNames(session: SqlSession, table: string): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT column_name::text AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((row) => row.name);
}

/** Advisory locks on the migrate key still held in this database, by any connection. */
async function heldMigrateLocks(session: SqlSession): Promise<number> {
  // pg_locks lists the whole server; other tests migrate their own databases meanwhile.
  const rows = await session.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = 72707369 AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows[0]?.n ?? -1;
}

describe(`migrate() on ${engine}`, () => {
  it("applies every migration to a fresh database and records it like Prisma does", async () => {
    const migrations = readMigrations(MIGRATIONS_DIR);
    expect(migrations.length).toBeGreaterThan(0);

    const applied = await migrate(db.session, migrations);

    expect(applied).toEqual(migrations.map((m) => m.name));
    const rows = await appliedRows(db.session);
    expect(rows.map((row) => row.migration_name)).toEqual(applied);
    for (const row of rows) {
      const file = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await tableNames(db.session)).toEqual(
      expect.arrayContaining(["_prisma_migrations", "devices", "records", "changes", "sync_batches"]),
    );
    expect(await heldMigrateLocks(db.session)).toBe(0);
  });

  it("does nothing when run again", async () => {
    const migrations = readMigrations(MIGRATIONS_DIR);
    await migrate(db.session, migrations);
    const before = await appliedRows(db.session);

    expect(await migrate(db.session, migrations)).toEqual([]);
    expect(await appliedRows(db.session)).toEqual(before);
  });

  it("applies only the migrations added since the last run, in name order", async () => {
    const dir = writeMigrations({ "20260101000000_a": `CREATE TABLE "a" ("id" INTEGER);` });
    expect(await migrate(db.session, readMigrations(dir))).toEqual(["20260101000000_a"]);
    writeMigrations(
      {
        "20260301000000_c": `ALTER TABLE "b" ADD COLUMN "c" TEXT;`,
        "20260201000000_b": `CREATE TABLE "b" ("id" INTEGER);`,
      },
      dir,
    );

    expect(await migrate(db.session, readMigrations(dir))).toEqual(["20260201000000_b", "20260301000000_c"]);
    expect(await columnNames(db.session, "b")).toEqual(["id", "c"]);
  });

  it("refuses an applied migration whose file changed, and changes nothing", async () => {
    const dir = writeMigrations({ "20260101000000_notes": `CREATE TABLE "notes" ("id" INTEGER);` });
    await migrate(db.session, readMigrations(dir));
    const before = await appliedRows(db.session);
    writeMigrations(
      {
        "20260101000000_notes": `CREATE TABLE "notes" ("id" INTEGER, "body" TEXT);`,
        "20260201000000_later": `CREATE TABLE "later" ("id" INTEGER);`,
      },
      dir,
    );

    const run = migrate(db.session, readMigrations(dir));

    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow(
      /Migration 20260101000000_notes was modified after it was applied; restore the original file/,
    );
    expect(await appliedRows(db.session)).toEqual(before);
    expect(await columnNames(db.session, "notes")).toEqual(["id"]);
    expect(await tableNames(db.session)).not.toContain("later");
    expect(await heldMigrateLocks(db.session)).toBe(0);
  });

  it("rolls a failing migration back completely and can apply it once fixed", async () => {
    const dir = writeMigrations({
      "20260101000000_ok": `CREATE TABLE "ok" ("id" INTEGER);`,
      "20260201000000_broken": [
        `CREATE TABLE "half_a" ("id" INTEGER);`,
        `INSERT INTO "ok" VALUES (1);`,
        `CREATE TABLE "half_b" ("id" INTEGER REFERENCES "missing_table"("id"));`,
      ].join("\n"),
      "20260301000000_after": `CREATE TABLE "after" ("id" INTEGER);`,
    });

    const run = migrate(db.session, readMigrations(dir));

    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow(/Migration 20260201000000_broken failed and was rolled back: .*missing_table/);
    const tables = await tableNames(db.session);
    expect(tables).toContain("ok");
    expect(tables).not.toContain("half_a");
    expect(tables).not.toContain("half_b");
    expect(tables).not.toContain("after");
    expect(await db.session.query(`SELECT * FROM "ok"`)).toEqual([]);
    expect((await appliedRows(db.session)).map((row) => row.migration_name)).toEqual(["20260101000000_ok"]);
    expect(await heldMigrateLocks(db.session)).toBe(0);

    writeMigrations({ "20260201000000_broken": `CREATE TABLE "half_a" ("id" INTEGER);` }, dir);
    expect(await migrate(db.session, readMigrations(dir))).toEqual(["20260201000000_broken", "20260301000000_after"]);
  });

  it("commits a migration together with its record, or neither", async () => {
    // The script itself succeeds; recording it then fails (a trigger the script installed
    // rejects the insert). Its effects must go with the failed record, or a re-run would
    // apply the script a second time.
    const dir = writeMigrations({
      "20260101000000_unrecordable": `
        CREATE TABLE "effect" ("id" INTEGER);
        CREATE FUNCTION "refuse_record"() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'record refused'; END $$;
        CREATE TRIGGER "refuse_record" BEFORE INSERT ON "_prisma_migrations"
          FOR EACH ROW EXECUTE FUNCTION "refuse_record"();`,
    });

    await expect(migrate(db.session, readMigrations(dir))).rejects.toThrow(
      /Migration 20260101000000_unrecordable failed and was rolled back: record refused/,
    );
    expect(await tableNames(db.session)).not.toContain("effect");
    expect(await appliedRows(db.session)).toEqual([]);
    const triggers = await db.session.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'refuse_record'`);
    expect(triggers).toEqual([]);
  });

  it("refuses to continue past a migration recorded as unfinished", async () => {
    // What a crashed `prisma migrate deploy` leaves behind: a row without finished_at.
    const dir = writeMigrations({ "20260101000000_x": `CREATE TABLE "x" ("id" INTEGER);` });
    const [migration] = readMigrations(dir);
    await db.session.exec(`CREATE TABLE "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    await db.session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('00000000-0000-4000-8000-000000000000', $1, $2)`,
      [migration?.checksum, migration?.name],
    );

    await expect(migrate(db.session, readMigrations(dir))).rejects.toThrow(
      /Migration 20260101000000_x failed earlier and is marked unfinished/,
    );
    expect(await tableNames(db.session)).not.toContain("x");
  });
});

// Two instances starting at once is a PostgreSQL concern: PGlite is embedded in one process, which
// opens its data directory once and migrates once (server/db/client.ts memoises the database), so
// there is no second connection to race with.
if (engine === "postgres") {
  describe("migrate() with two instances starting at once", () => {
    it("applies each migration exactly once", async () => {
      // The sleep keeps the first migrator inside the lock long enough for the second to arrive.
      const dir = writeMigrations({ "20990101000000_slow": `SELECT pg_sleep(0.5); CREATE TABLE "slow" ("id" INTEGER);` });
      const migrations = [...readMigrations(MIGRATIONS_DIR), ...readMigrations(dir)];
      const [first, second] = [db.session, await db.connect()];

      const results = await Promise.all([migrate(first, migrations), migrate(second, migrations)]);

      const all = migrations.map((m) => m.name);
      expect(results.map((names) => names.length).sort()).toEqual([0, all.length]);
      expect(results.flat().sort()).toEqual([...all].sort());
      const counts = await db.session.query<{ migration_name: string; n: number }>(
        `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1`,
      );
      expect(counts).toEqual(all.map((name) => ({ migration_name: name, n: 1 })));
      expect(await heldMigrateLocks(db.session)).toBe(0);
    });
  });
}
