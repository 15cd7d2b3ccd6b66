// The engine's SQL adapter (server/db/sql.ts) on both engines: its transactions commit, roll back
// and keep their statements on one connection; prepared statements are PostgreSQL's only.
import { afterEach, beforeEach, expect, it } from "vitest";
import { engineOf, onPostgresServer, sqlOf } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const txid = "SELECT txid_current()::text AS id";
const streamNames = async (like: string) =>
  (await sqlOf(db.prisma)<{ name: string }>("SELECT name FROM streams WHERE name LIKE $1 ORDER BY name", [like])).map((r) => r.name);

it("runs every statement of a transaction on one connection and commits when the work resolves", async () => {
  const ids = await engineOf(db.prisma).transaction(async (sql) => {
    const [first] = await sql<{ id: string }>(txid);
    await sql("INSERT INTO streams (name) VALUES ($1)", ["user:kept"]);
    const [second] = await sql<{ id: string }>(txid);
    return [first?.id, second?.id];
  });
  expect(ids[0]).toBeDefined();
  expect(ids[1]).toBe(ids[0]);
  expect(await streamNames("user:kept")).toEqual(["user:kept"]);
  // The ORM over the same database sees the committed row.
  expect(await db.prisma.stream.findUnique({ where: { name: "user:kept" }, select: { name: true } })).toEqual({ name: "user:kept" });
});

it("rolls back every write of a transaction whose work throws, and rethrows", async () => {
  await expect(
    engineOf(db.prisma).transaction(async (sql) => {
      await sql("INSERT INTO streams (name) VALUES ($1), ($2)", ["user:gone", "user:gone-too"]);
      throw new Error("abort");
    }),
  ).rejects.toThrow("abort");
  expect(await streamNames("user:gone%")).toEqual([]);
});

it("rolls back a failed statement's transaction and leaves the engine usable", async () => {
  await expect(
    engineOf(db.prisma).transaction(async (sql) => {
      await sql("INSERT INTO streams (name) VALUES ($1)", ["user:before-error"]);
      await sql("INSERT INTO streams (name) VALUES ($1)", ["user:before-error"]); // duplicate key
    }),
  ).rejects.toThrow();
  expect(await streamNames("user:before-error")).toEqual([]);
  await engineOf(db.prisma).transaction((sql) => sql("INSERT INTO streams (name) VALUES ($1)", ["user:after-error"]));
  expect(await streamNames("user:after-error")).toEqual(["user:after-error"]);
});

it("hides a transaction's writes from other connections until it commits (PostgreSQL)", async () => {
  if (!onPostgresServer(db.prisma)) {
    // The embedded database has one connection: its transactions take turns (PGlite's mutex).
    expect(engineOf(db.prisma).kind).toBe("pglite");
    return;
  }
  const seenInside = await engineOf(db.prisma).transaction(async (sql) => {
    await sql("INSERT INTO streams (name) VALUES ($1)", ["user:pending"]);
    return streamNames("user:pending");
  });
  expect(seenInside).toEqual([]);
  expect(await streamNames("user:pending")).toEqual(["user:pending"]);
});

it("prepares a statement once per connection when asked (PostgreSQL), and runs it again with other values", async () => {
  const text = "SELECT $1::text AS v, count(*)::int AS n FROM streams WHERE name = ANY($2::text[])";
  const seen = await engineOf(db.prisma).transaction(async (sql) => {
    const first = await sql<{ v: string; n: number }>(text, ["a", ["user:x"]], { prepare: true });
    const second = await sql<{ v: string; n: number }>(text, ["b", []], { prepare: true });
    const names = await sql<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements");
    return { first, second, names };
  });
  expect(seen.first).toEqual([{ v: "a", n: 0 }]);
  expect(seen.second).toEqual([{ v: "b", n: 0 }]);
  const ours = seen.names.filter((p) => p.statement === text);
  if (db.kind === "postgres") expect(ours).toEqual([{ name: expect.stringMatching(/^syncdesk_[0-9a-f]{24}$/), statement: text }]);
  else expect(ours).toEqual([]);
});

it("leaves statements unprepared by default", async () => {
  const text = "SELECT 41 + $1::int AS answer";
  const names = await engineOf(db.prisma).transaction(async (sql) => {
    expect(await sql<{ answer: number }>(text, [1])).toEqual([{ answer: 42 }]);
    return sql<{ statement: string }>("SELECT statement FROM pg_prepared_statements");
  });
  expect(names.filter((p) => p.statement === text)).toEqual([]);
});

it("passes JSON text, arrays and nulls as parameters the same way on both engines", async () => {
  const [row] = await sqlOf(db.prisma)<{ j: unknown; kind: string; a: string[]; n: null }>(
    "SELECT $1::jsonb AS j, jsonb_typeof($1::jsonb) AS kind, $2::text[] AS a, $3::text AS n",
    [JSON.stringify({ x: [1, "two"] }), ["p", "q"], null]);
  expect(row).toEqual({ j: { x: [1, "two"] }, kind: "object", a: ["p", "q"], n: null });
});

it("refuses a client that was not opened by openDatabase", () => {
  expect(() => engineOf(Object.create(db.prisma) as typeof db.prisma)).toThrow(/openDatabase/);
});
