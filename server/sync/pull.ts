// Pull (PROTOCOL.md "Pull"): the changes after the token's position, per stream in seq order.
//   1. Open the token: bad signature or foreign -> 401; expired -> 412 token_expired.
//   2. Refuse positions the types registry or compaction invalidated, or that are not in this
//      database's history (a restore or failover: position.ts), with 412.
//   3. Read up to `limit` changes, streams in name order, never splitting a bundle: a bundle that
//      does not fit is left for the next page, where it comes whole even when larger than `limit`.
//      The stream left waiting is served first on the next page, so a busy stream earlier in name
//      order cannot starve it.
//   4. Check the compaction points again, of the streams the page delivered changes of: compaction
//      advances them before it deletes, so a page read while it deleted is refused (412
//      compacted) instead of delivered with a hole. A stream that delivered nothing keeps its
//      position, which the next pull checks in step 2: an empty page needs no second check.
//   5. Sign a new token at the last delivered seq of each stream, with the history fingerprint
//      there (fingerprint.ts), naming the waiting stream.
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { tokenVersionValid } from "../types/type-epochs";
import { checkStreamPositions } from "./position";
import type { TChange, TPullResponse } from "@syncdesk/protocol";
import { bootstrapRequired, signPullToken, type PullPosition } from "./tokens";

export type ChangeRow = {
  stream: string;
  seq: bigint;
  type: string;
  recordId: string;
  op: string;
  version: number;
  data: unknown;
  /** ISO 8601 in UTC with milliseconds, as on the wire. */
  updatedAt: string;
  batchId: string | null;
  conflict: unknown;
  /** The history fingerprint at this change (null for changes written before fingerprints). */
  hash: string | null;
};

/** Checks a position against the type registry, the streams' compaction points and their history. */
export async function checkPosition(db: Db, position: Pick<PullPosition, "t" | "fp">, cursors: Map<string, number>): Promise<void> {
  for (const [name, version] of Object.entries(position.t)) {
    if (!tokenVersionValid(name, version)) {
      throw bootstrapRequired("types_changed", `Type ${name} changed since this token was issued; bootstrap again`);
    }
  }
  await checkStreamPositions(db, cursors, position.fp);
}

/** The device's cursor in each of its current streams (new grants start at 0). */
export function cursorsFor(device: DeviceContext, position: Pick<PullPosition, "s">): Map<string, number> {
  return new Map(device.streams.map((s) => [s, position.s[s] ?? 0]));
}

export async function pullChanges(db: Db, device: DeviceContext, position: PullPosition, limit: number): Promise<TPullResponse> {
  const cursors = cursorsFor(device, position);
  await checkPosition(db, position, cursors);
  const from = new Map(cursors);
  const page: ChangeRow[] = [];
  const fingerprints = new Map(Object.entries(position.fp ?? {}));
  let more = false;
  let waiting: string | undefined;
  for (const stream of servingOrder([...cursors.keys()], position.n)) {
    const remaining = limit - page.length;
    const after = BigInt(cursors.get(stream) ?? 0);
    if (remaining <= 0) {
      if (!waiting && (await readChanges(db, stream, after, position.f, 1)).length > 0) waiting = stream;
      more ||= waiting !== undefined;
      continue;
    }
    const rows = await readChanges(db, stream, after, position.f, remaining + 1);
    const { taken, hasMore } = await takeWholeBundles(db, rows, remaining, page.length === 0, position.f);
    page.push(...taken);
    more ||= hasMore;
    const last = taken.at(-1);
    if (last) cursors.set(stream, Number(last.seq));
    if (last?.hash) fingerprints.set(stream, last.hash);
    else if (last) fingerprints.delete(stream); // an unhashed change: checked against the head only
    if (hasMore && taken.length < remaining) {
      waiting = stream; // a deferred bundle: the page ends here
      break;
    }
  }
  const advanced = new Map([...from].filter(([stream, seq]) => cursors.get(stream) !== seq));
  if (advanced.size > 0) await checkStreamPositions(db, advanced, position.fp);
  const config = env();
  const token = signPullToken(config.syncTokenSecret, {
    ...position,
    s: Object.fromEntries(cursors),
    fp: Object.fromEntries([...fingerprints].filter(([stream]) => cursors.has(stream))),
    n: waiting,
    exp: Math.floor(Date.now() / 1000) + config.SYNC_TOKEN_TTL_SECONDS,
  });
  return { token, changes: page.map(toWireChange), more, server_time: new Date().toISOString() };
}

/** Streams in name order, with `first` (a stream left waiting by the previous page) moved ahead. */
function servingOrder(streams: string[], first: string | undefined): string[] {
  const sorted = [...streams].sort();
  return first && sorted.includes(first) ? [first, ...sorted.filter((s) => s !== first)] : sorted;
}

export type RawChangeRow = {
  stream: string; seq: bigint | string | number; type: string; record_id: string; op: string; version: number;
  data: unknown; updated_at: string; batch_id: string | null; conflict: unknown; hash: string | null;
};

/**
 * updated_at as the wire's ISO text (Date#toISOString's format; the column keeps milliseconds):
 * parsing 1,000 timestamps into Dates only to print them again cost ~2 ms CPU per page.
 */
export const ISO_UPDATED_AT = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;

/**
 * The page read, in SQL through pg (server/db/sql.ts "sqlOf"): Prisma's row mapping of findMany
 * cost ~60% more CPU per page of 1,000 changes than $queryRaw, and $queryRaw more than pg itself
 * (bench/profile.ts); this is the hottest read.
 */
async function readChanges(db: Db, stream: string, after: bigint, types: string[] | null, take: number): Promise<ChangeRow[]> {
  const rows = await sqlOf(db)<RawChangeRow>(
    `SELECT stream, seq, type, record_id, op, version, data, ${ISO_UPDATED_AT}, batch_id, conflict, hash
     FROM changes
     WHERE stream = $1 AND seq > $2::bigint AND ($3::text[] IS NULL OR type = ANY($3::text[]))
     ORDER BY seq
     LIMIT $4::int`,
    [stream, after.toString(), types, take],
  );
  return rows.map(toChangeRow);
}

/** The changes of bundle `batchId` in `stream` after `after`, every type (step 3's oversize bundle). */
async function readBundleRest(db: Db, stream: string, batchId: string, after: bigint): Promise<ChangeRow[]> {
  const rows = await sqlOf(db)<RawChangeRow>(
    `SELECT stream, seq, type, record_id, op, version, data, ${ISO_UPDATED_AT}, batch_id, conflict, hash
     FROM changes WHERE stream = $1 AND batch_id = $2::uuid AND seq > $3::bigint ORDER BY seq`,
    [stream, batchId, after.toString()],
  );
  return rows.map(toChangeRow);
}

async function hasChangesAfter(db: Db, stream: string, after: bigint, types: string[] | null): Promise<boolean> {
  const rows = await sqlOf(db)(
    "SELECT 1 AS found FROM changes WHERE stream = $1 AND seq > $2::bigint AND ($3::text[] IS NULL OR type = ANY($3::text[])) LIMIT 1",
    [stream, after.toString(), types],
  );
  return rows.length > 0;
}

export const toChangeRow = (r: RawChangeRow): ChangeRow => ({
  stream: r.stream, seq: BigInt(r.seq), type: r.type, recordId: r.record_id, op: r.op, version: r.version,
  data: r.data, updatedAt: r.updated_at, batchId: r.batch_id, conflict: r.conflict, hash: r.hash,
});

/** Cuts `rows` to at most `room` changes without splitting a bundle (see step 3). */
async function takeWholeBundles(db: Db, rows: ChangeRow[], room: number, pageEmpty: boolean, types: string[] | null) {
  if (rows.length <= room) return { taken: rows, hasMore: false };
  const taken = rows.slice(0, room);
  const last = taken.at(-1);
  const next = rows[room];
  if (!last?.batchId || next?.batchId !== last.batchId) return { taken, hasMore: true };
  let start = taken.length - 1;
  while (start > 0 && taken[start - 1]?.batchId === last.batchId) start -= 1;
  if (start > 0 || !pageEmpty) return { taken: taken.slice(0, start), hasMore: true };
  // The bundle alone is larger than the page: deliver it whole. Its seqs are consecutive in the
  // stream, so it ends at the first gap: a later run with the same batch id (a replay of that batch)
  // is another bundle, and taking it now would skip every change in between.
  const following = await readBundleRest(db, last.stream, last.batchId, last.seq);
  // Seqs only grow, so once one is past its place in a consecutive run, every later one is too.
  const run = following.filter((row, i) => row.seq === last.seq + BigInt(i + 1));
  const rest = types ? run.filter((row) => types.includes(row.type)) : run;
  const whole = [...taken, ...rest];
  return { taken: whole, hasMore: await hasChangesAfter(db, last.stream, whole.at(-1)?.seq ?? last.seq, types) };
}

export function toWireChange(row: ChangeRow): TChange {
  const change: TChange = {
    seq: Number(row.seq),
    stream: row.stream,
    type: row.type,
    id: row.recordId,
    op: row.op === "delete" ? "delete" : "upsert",
    version: row.version,
    updated_at: row.updatedAt,
  };
  if (row.op !== "delete" && row.data !== null) change.data = row.data as Record<string, unknown>;
  if (row.batchId) change.batch_id = row.batchId;
  if (row.conflict !== null && typeof row.conflict === "object") change.conflict = row.conflict as TChange["conflict"];
  return change;
}
