// A team's own `visits` table (docs/tables.md) with a parent `sites` table, the config that maps
// `visit` to it, and checks that the mirror a capture wrote is what the JavaScript engine would
// have written: record checksums and each stream's fingerprint chain.
import path from "node:path";
import { expect } from "vitest";
import type { Db } from "@/server/db/client";
import { sqlOf, type Sql } from "@/server/db/sql";
import { installCapture } from "@/server/capture/install";
import { checksumOf } from "@/server/sync/canonical";
import { chainHash } from "@/server/sync/fingerprint";
import { loadConfigFile } from "@/server/types/load-config";
import { installTypes } from "@/server/types/registry";
import type { ResourceType } from "@/server/types/resource-type";
import { createTestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";

export const VISIT_TABLE_CONFIG = path.join(process.cwd(), "examples", "visit-table.config.json");

export const CREATE_VISITS = `
  CREATE TABLE sites (id text PRIMARY KEY, name text NOT NULL);
  CREATE TABLE visits (
    id text PRIMARY KEY, owner_id text NOT NULL,
    site text NOT NULL, score numeric NOT NULL, tags jsonb, visits integer, status text, note text,
    site_ref text REFERENCES sites (id) ON DELETE CASCADE
  )`;

/** Creates the team's tables, loads the config and installs its capture (as a start does). */
export async function setUpVisits(db: Db): Promise<ResourceType[]> {
  for (const statement of CREATE_VISITS.split(";")) await sqlOf(db)(statement);
  const types = await loadConfigFile(VISIT_TABLE_CONFIG);
  installTypes(types, VISIT_TABLE_CONFIG);
  await installCapture(db, types, "visit-table.config.json");
  return types;
}

/** A test server on a fresh database holding the team's tables, with their capture installed. */
export async function startVisitsServer(): Promise<{ server: TestServer; sql: Sql }> {
  const db = await createTestDatabase();
  await setUpVisits(db.prisma);
  return { server: await startTestServer({ database: db }), sql: sqlOf(db.prisma) };
}

export type ChangeRow = { stream: string; seq: string; type: string; record_id: string; op: string; version: number; data: Record<string, unknown> | null; hash: string | null; source: string | null };

export const changesOf = (sql: Sql, stream: string) =>
  sql<ChangeRow>("SELECT stream, seq::text, type, record_id, op, version, data, hash, source FROM changes c WHERE c.stream = $1 ORDER BY c.seq", [stream]);

/**
 * Every stream's seqs run 1..head with no gap, its chain recomputes in JavaScript (deletes carry
 * the checksum of the data they remove), its head holds the last hash, and every record's
 * checksum is checksumOf(data).
 */
export async function expectMirrorConsistent(sql: Sql): Promise<void> {
  const streams = await sql<{ name: string; head_seq: string; head_hash: string | null }>("SELECT name, head_seq::text, head_hash FROM streams");
  for (const stream of streams) {
    const changes = await changesOf(sql, stream.name);
    expect(changes.map((c) => Number(c.seq))).toEqual(changes.map((_, i) => i + 1));
    expect(changes.length).toBe(Number(stream.head_seq));
    let prev: string | null = null;
    const last = new Map<string, string>();
    for (const c of changes) {
      const checksum: string = c.op === "upsert" ? checksumOf(c.data) : (last.get(c.record_id) ?? "");
      if (c.op === "upsert") last.set(c.record_id, checksum);
      prev = chainHash(prev, { seq: BigInt(c.seq), type: c.type, id: c.record_id, op: c.op, version: c.version, checksum });
      expect(c.hash, `${stream.name} seq ${c.seq}`).toBe(prev);
    }
    expect(stream.head_hash).toBe(prev);
  }
  const records = await sql<{ data: unknown; checksum: string }>("SELECT data, checksum FROM records");
  for (const r of records) expect(r.checksum).toBe(checksumOf(r.data));
}
