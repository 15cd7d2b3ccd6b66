// The state digest (docs/protocol.md "Digest"): a device proves it equals the server in one call.
// Each live record hashes to H = sha256(UTF-8 of `stream \n type \n id \n checksum`); a set of
// records digests to the XOR of their H, written `sha256-xor:<64 hex>` (all zeros when empty).
// XOR does not depend on order, so the server computes it with one aggregate over the caller's
// streams (no sort, no agreement on ordering) and a device with a plain loop over its records;
// the digest of several streams is the XOR of theirs. Keys are unique, so no two H cancel.
import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import type { RecordKey } from "./records";
import type { TDigestResponse } from "@syncdesk/protocol";

const PREFIX = "sha256-xor:";
const LANES = [1, 9, 17, 25] as const;

export function recordHash(key: RecordKey, checksum: string): Buffer {
  return createHash("sha256").update(`${key.stream}\n${key.type}\n${key.id}\n${checksum}`, "utf8").digest();
}

/** The digest of records as a device computes it (the reference for the SQL below). */
export function digestOf(records: Iterable<RecordKey & { checksum: string }>): string {
  const acc = Buffer.alloc(32);
  for (const record of records) {
    const hash = recordHash(record, record.checksum);
    for (let i = 0; i < 32; i++) acc[i] = (acc[i] ?? 0) ^ (hash[i] ?? 0);
  }
  return PREFIX + acc.toString("hex");
}

// Lanes come back as text: a 64-bit integer does not survive every driver's number parsing.
type LaneRow = { stream: string; count: number; l0: string | null; l1: string | null; l2: string | null; l3: string | null };

const laneHex = (lane: string | null) => BigInt.asUintN(64, BigInt(lane ?? 0)).toString(16).padStart(16, "0");

function xorHex(a: string, b: string): string {
  const x = Buffer.from(a.slice(PREFIX.length), "hex");
  const y = Buffer.from(b.slice(PREFIX.length), "hex");
  return PREFIX + Buffer.from(x.map((byte, i) => byte ^ (y[i] ?? 0))).toString("hex");
}

export const EMPTY_DIGEST = PREFIX + "0".repeat(64);

/** The digest of the live records of `streams` (and `types`), total and per stream: one aggregate. */
export async function computeDigest(db: Db, streams: readonly string[], types: readonly string[] | null): Promise<TDigestResponse> {
  // bit_xor over four 64-bit lanes of each hash: PostgreSQL has no XOR aggregate over bytea.
  const [a, b, c, d] = LANES;
  const rows = await sqlOf(db)<LaneRow>(
    `WITH h AS (
       SELECT stream, sha256(convert_to(stream || E'\\n' || type || E'\\n' || id || E'\\n' || checksum, 'UTF8')) AS d
       FROM records
       WHERE stream = ANY($1::text[]) AND NOT deleted AND ($2::text[] IS NULL OR type = ANY($2::text[])))
     SELECT stream, count(*)::int AS count,
       bit_xor(('x' || encode(substring(d FROM $3::int FOR 8), 'hex'))::bit(64)::bigint)::text AS l0,
       bit_xor(('x' || encode(substring(d FROM $4::int FOR 8), 'hex'))::bit(64)::bigint)::text AS l1,
       bit_xor(('x' || encode(substring(d FROM $5::int FOR 8), 'hex'))::bit(64)::bigint)::text AS l2,
       bit_xor(('x' || encode(substring(d FROM $6::int FOR 8), 'hex'))::bit(64)::bigint)::text AS l3
     FROM h GROUP BY stream`,
    [[...streams], types, a, b, c, d]);
  const perStream: TDigestResponse["streams"] = {};
  for (const stream of streams) perStream[stream] = { digest: EMPTY_DIGEST, count: 0 };
  let digest = EMPTY_DIGEST;
  let count = 0;
  for (const row of rows) {
    const streamDigest = PREFIX + [row.l0, row.l1, row.l2, row.l3].map(laneHex).join("");
    perStream[row.stream] = { digest: streamDigest, count: row.count };
    digest = xorHex(digest, streamDigest);
    count += row.count;
  }
  return { digest, count, streams: perStream };
}
