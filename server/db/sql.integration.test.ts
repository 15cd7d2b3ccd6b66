// sqlOf inside inTransaction must be the transaction itself: the push's raw statements and its
// Prisma statements (conflicts, unique checks) commit or roll back together.
import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { inTransaction, sqlOf } from "./sql";

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const txid = "SELECT txid_current()::text AS id";

it("runs sqlOf(tx) in the same transaction as the Prisma statements of tx", async () => {
  const ids = await inTransaction(db.prisma, async (tx) => {
    const [raw] = await sqlOf(tx)<{ id: string }>(txid, []);
    const [orm] = await tx.$queryRawUnsafe<{ id: string }[]>(txid);
    await sqlOf(tx)("INSERT INTO streams (name) VALUES ($1)", ["user:raw"]);
    const seen = await tx.stream.findUnique({ where: { name: "user:raw" } });
    return { raw: raw?.id, orm: orm?.id, seen: seen?.name };
  });
  expect(ids.raw).toBeDefined();
  expect(ids.raw).toBe(ids.orm);
  expect(ids.seen).toBe("user:raw"); // Prisma sees the raw write before commit: one transaction
});

it("rolls back sqlOf(tx) writes with the transaction", async () => {
  await expect(
    inTransaction(db.prisma, async (tx) => {
      await sqlOf(tx)("INSERT INTO streams (name) VALUES ($1)", ["user:gone"]);
      await tx.stream.create({ data: { name: "user:gone-too" } });
      throw new Error("abort");
    }),
  ).rejects.toThrow("abort");
  const left = await sqlOf(db.prisma)<{ name: string }>("SELECT name FROM streams WHERE name LIKE 'user:gone%'", []);
  expect(left).toEqual([]);
});

it("keeps a nested transaction's connection apart from the outer one", async () => {
  const seen = await inTransaction(db.prisma, async (tx) => {
    const [outer] = await sqlOf(tx)<{ id: string }>(txid, []);
    // A transaction opened with plain $transaction inside is not the slot's: it runs through Prisma.
    const inner = db.kind === "postgres"
      ? await db.prisma.$transaction(async (other) => (await sqlOf(other)<{ id: string }>(txid, []))[0]?.id)
      : undefined;
    const [again] = await sqlOf(tx)<{ id: string }>(txid, []);
    return { outer: outer?.id, inner, again: again?.id };
  });
  expect(seen.again).toBe(seen.outer);
  if (db.kind === "postgres") expect(seen.inner).not.toBe(seen.outer);
});

it("prepares a statement once per connection when asked, and runs it again with other values", async () => {
  const text = "SELECT $1::text AS v, count(*)::int AS n FROM streams WHERE name = ANY($2::text[])";
  const prepared = await inTransaction(db.prisma, async (tx) => {
    const run = sqlOf(tx, { prepare: true });
    const first = await run<{ v: string; n: number }>(text, ["a", ["user:x"]]);
    const second = await run<{ v: string; n: number }>(text, ["b", []]);
    const names = await sqlOf(tx)<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements", []);
    return { first, second, names };
  });
  expect(prepared.first).toEqual([{ v: "a", n: 0 }]);
  expect(prepared.second).toEqual([{ v: "b", n: 0 }]);
  // PostgreSQL holds it under its name; the embedded database runs the same SQL through Prisma.
  const ours = prepared.names.filter((p) => p.statement === text);
  if (db.kind === "postgres") expect(ours).toEqual([{ name: expect.stringMatching(/^syncdesk_[0-9a-f]{24}$/), statement: text }]);
  else expect(ours).toEqual([]);
});

it("leaves statements unprepared by default", async () => {
  const text = "SELECT 41 + $1::int AS answer";
  const names = await inTransaction(db.prisma, async (tx) => {
    expect(await sqlOf(tx)<{ answer: number }>(text, [1])).toEqual([{ answer: 42 }]);
    return sqlOf(tx)<{ statement: string }>("SELECT statement FROM pg_prepared_statements", []);
  });
  expect(names.filter((p) => p.statement === text)).toEqual([]);
});
