// The commit-time flush computes record checksums and fingerprints in SQL (the migration
// 20261207050000_table_capture); devices and the JavaScript engine compute them with
// server/sync/canonical.ts and fingerprint.ts. Both must agree on every value jsonb can hold:
// random JSON (Unicode strings, control characters, doubles from 5e-324 to 1.8e308, deep nesting).
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlOf, type Sql } from "@/server/db/sql";
import { canonicalJson, checksumOf } from "@/server/sync/canonical";
import { chainHash } from "@/server/sync/fingerprint";
import { createTestDatabase, type TestDatabase } from "../support/database";

let db: TestDatabase;
let sql: Sql;
beforeAll(async () => {
  db = await createTestDatabase();
  sql = sqlOf(db.prisma);
});
afterAll(async () => {
  await db?.close();
});

// jsonb refuses \u0000. Keys are kept within the Basic Multilingual Plane below the surrogates'
// range: PostgreSQL sorts keys by code point and JavaScript by UTF-16 unit, which differ only
// between a character above U+FFFF and one in U+E000-U+FFFF (docs/tables.md).
const text = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\u0000"));
const key = text.filter((s) => [...s].every((c) => (c.codePointAt(0) ?? 0) < 0xd800));
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(0.1, 1e21, 1e-7, 123e-20, 2 ** 53 + 2, -0));
const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true },
    fc.constant(null), fc.boolean(), number, text,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 })),
})).value;

it("canonical JSON and checksums in SQL equal canonical.ts on random values", async () => {
  await fc.assert(fc.asyncProperty(fc.array(json, { minLength: 1, maxLength: 50 }), async (values) => {
    const rows = await sql<{ canonical: string; checksum: string }>(
      "SELECT syncdesk_canonical_json(v) AS canonical, syncdesk_checksum(v) AS checksum FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY a(v, i) ORDER BY i",
      [JSON.stringify(values)]);
    // A device reads the JSON it is sent: compare with the value as parsed back (-0 is 0).
    const parsed = JSON.parse(JSON.stringify(values)) as unknown[];
    expect(rows.map((r) => r.canonical)).toEqual(parsed.map((v) => canonicalJson(v)));
    expect(rows.map((r) => r.checksum)).toEqual(parsed.map((v) => checksumOf(v)));
  }), { numRuns: 60, seed: 17 });
});

it("fingerprints in SQL equal fingerprint.ts's chainHash", async () => {
  await fc.assert(fc.asyncProperty(
    fc.option(fc.string({ minLength: 22, maxLength: 22 })), fc.bigInt({ min: 1n, max: 2n ** 62n }), text, text,
    fc.constantFrom("upsert", "delete"), fc.integer({ min: 1, max: 2 ** 31 - 1 }), text,
    async (prev, seq, type, id, op, version, checksum) => {
      const [row] = await sql<{ hash: string }>("SELECT syncdesk_chain_hash($1, $2::bigint, $3, $4, $5, $6::int, $7) AS hash",
        [prev, seq.toString(), type, id, op, version, checksum]);
      expect(row?.hash).toBe(chainHash(prev, { seq, type, id, op, version, checksum }));
    }), { numRuns: 100, seed: 17 });
});
