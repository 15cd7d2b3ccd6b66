// The per-test databases themselves: isolated from each other, migrated, and gone after close().
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openPgSession } from "@/server/db/sql-session";
import { createEmptyTestSession, createTestDatabase, testDbEngine, type TestDatabase } from "./database";

const engine = testDbEngine();
const opened: TestDatabase[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function open(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  opened.push(db);
  return db;
}

async function pgDatabaseExists(name: string): Promise<boolean> {
  const admin = await openPgSession(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  try {
    const rows = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return rows.length === 1;
  } finally {
    await admin.close();
  }
}

describe(`createTestDatabase on ${engine}`, () => {
  it("opens a migrated database of the selected engine", async () => {
    const db = await open();
    expect(db.kind).toBe(engine);
    expect(await db.prisma.device.count()).toBe(0);
    if (engine === "postgres") expect(db.name).toMatch(/^syncdesk_t_[0-9a-f]{16}$/);
  });

  it("gives each caller its own database", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    expect(a.name).not.toBe(b.name);
    await a.prisma.stream.create({ data: { name: "org:acme" } });
    expect(await a.prisma.stream.count()).toBe(1);
    expect(await b.prisma.stream.count()).toBe(0);
  });
});

// Removal is observable only on a server; an in-memory PGlite simply ends with its process.
if (engine === "postgres") {
  describe("PostgreSQL test databases", () => {
    it("drops the database on close(), even with connections still open", async () => {
      const db = await createTestDatabase();
      // A leaked client (a test that forgot to close) must not keep the database alive.
      const straggler = new pg.Client({ connectionString: db.url });
      const terminated = new Promise<Error>((resolve) => straggler.on("error", resolve));
      await straggler.connect();
      expect(await pgDatabaseExists(db.name)).toBe(true);
      await db.close();
      expect(await pgDatabaseExists(db.name)).toBe(false);
      expect((await terminated).message).toMatch(/terminat/);
    });

    it("drops the empty database and its connections on close()", async () => {
      const empty = await createEmptyTestSession();
      await empty.connect();
      expect(await pgDatabaseExists(empty.name)).toBe(true);
      await empty.close();
      expect(await pgDatabaseExists(empty.name)).toBe(false);
    });
  });
}
