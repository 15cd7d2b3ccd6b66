// Pull (PROTOCOL.md "Pull"): the changes after the token's position, per stream in seq order.
//   1. Open the token: bad signature or foreign -> 401; expired -> 412 token_expired.
//   2. Refuse positions the types registry or compaction invalidated, or that are not in this
//      database's history (a restore or failover: position.ts), with 412. The check of every
//      stream and the first stream's read are one statement (pull-read.ts).
//   3. Read up to `limit` changes, streams in name order, never splitting a bundle: a bundle that
//      does not fit is left for the next page, where it comes whole even when larger than `limit`.
//      The stream left waiting is served first on the next page, so a busy stream earlier in name
//      order cannot starve it.
//   4. Check the compaction points again, of the streams the page delivered changes of read after
//      step 2's statement: compaction advances them before it deletes, so a page read while it
//      deleted is refused (412 compacted) instead of delivered with a hole. Changes read in step
//      2's statement need no second check (one snapshot), nor does a stream that delivered
//      nothing: it keeps its position, which the next pull checks in step 2. So a page of one
//      stream, the common case, is one statement.
//   5. Sign a new token at the last delivered seq of each stream, with the history fingerprint
//      there (fingerprint.ts), naming the waiting stream.
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { tokenVersionValid } from "../types/type-epochs";
import { toPullResponse, type PullPage } from "./change-json";
import { checkStreamPositions } from "./position";
import { hasChangesAfter, readBundleRest, readChanges, readCheckedChanges, type ChangeRow } from "./pull-read";
import type { TPullResponse } from "@syncdesk/protocol";
import { bootstrapRequired, signPullToken, type PullPosition } from "./tokens";

/** Refuses a position taken before a type changed (the types registry's epochs). */
function checkTypeVersions(position: Pick<PullPosition, "t">): void {
  for (const [name, version] of Object.entries(position.t)) {
    if (!tokenVersionValid(name, version)) {
      throw bootstrapRequired("types_changed", `Type ${name} changed since this token was issued; bootstrap again`);
    }
  }
}

/** Checks a position against the type registry, the streams' compaction points and their history. */
export async function checkPosition(db: Db, position: Pick<PullPosition, "t" | "fp">, cursors: Map<string, number>): Promise<void> {
  checkTypeVersions(position);
  await checkStreamPositions(db, cursors, position.fp);
}

/** The device's cursor in each of its current streams (new grants start at 0). */
export function cursorsFor(device: DeviceContext, position: Pick<PullPosition, "s">): Map<string, number> {
  return new Map(device.streams.map((s) => [s, position.s[s] ?? 0]));
}

/** One pull page, its changes as objects (tests and scripts; the route writes `readPullPage`'s text). */
export async function pullChanges(db: Db, device: DeviceContext, position: PullPosition, limit: number): Promise<TPullResponse> {
  return toPullResponse(await readPullPage(db, device, position, limit));
}

export async function readPullPage(db: Db, device: DeviceContext, position: PullPosition, limit: number): Promise<PullPage> {
  const cursors = cursorsFor(device, position);
  // 2.
  checkTypeVersions(position);
  const order = servingOrder([...cursors.keys()], position.n);
  const first = order[0];
  const checkedRows = first === undefined ? [] : await readCheckedChanges(db, cursors, position.fp, first, position.f, limit + 1);
  const from = new Map(cursors);
  const page: ChangeRow[] = [];
  const fingerprints = new Map(Object.entries(position.fp ?? {}));
  const recheck = new Map<string, number>();
  let more = false;
  let waiting: string | undefined;
  // 3.
  for (const stream of order) {
    const remaining = limit - page.length;
    const after = BigInt(cursors.get(stream) ?? 0);
    if (remaining <= 0) {
      if (!waiting && (await hasChangesAfter(db, stream, after, position.f))) waiting = stream;
      more ||= waiting !== undefined;
      continue;
    }
    const rows = stream === first ? checkedRows : await readChanges(db, stream, after, position.f, remaining + 1);
    const { taken, hasMore, readAgain } = await takeWholeBundles(db, rows, remaining, page.length === 0, position.f);
    page.push(...taken);
    more ||= hasMore;
    const last = taken.at(-1);
    if (last && (stream !== first || readAgain)) recheck.set(stream, from.get(stream) ?? 0);
    if (last) cursors.set(stream, Number(last.seq));
    if (last?.hash) fingerprints.set(stream, last.hash);
    else if (last) fingerprints.delete(stream); // an unhashed change: checked against the head only
    if (hasMore && taken.length < remaining) {
      waiting = stream; // a deferred bundle: the page ends here
      break;
    }
  }
  // 4.
  if (recheck.size > 0) await checkStreamPositions(db, recheck, position.fp);
  // 5.
  const config = env();
  const token = signPullToken(config.syncTokenSecret, {
    ...position,
    s: Object.fromEntries(cursors),
    fp: Object.fromEntries([...fingerprints].filter(([stream]) => cursors.has(stream))),
    n: waiting,
    exp: Math.floor(Date.now() / 1000) + config.SYNC_TOKEN_TTL_SECONDS,
  });
  return { token, changes: page, more, server_time: new Date().toISOString() };
}

/** Streams in name order, with `first` (a stream left waiting by the previous page) moved ahead. */
function servingOrder(streams: string[], first: string | undefined): string[] {
  const sorted = [...streams].sort();
  return first && sorted.includes(first) ? [first, ...sorted.filter((s) => s !== first)] : sorted;
}

/**
 * Cuts `rows` to at most `room` changes without splitting a bundle (see step 3). `readAgain`: the
 * changes taken include some read by another statement than `rows` (an oversize bundle's rest).
 */
async function takeWholeBundles(db: Db, rows: ChangeRow[], room: number, pageEmpty: boolean, types: string[] | null) {
  if (rows.length <= room) return { taken: rows, hasMore: false, readAgain: false };
  const taken = rows.slice(0, room);
  const last = taken.at(-1);
  const next = rows[room];
  if (!last?.batchId || next?.batchId !== last.batchId) return { taken, hasMore: true, readAgain: false };
  let start = taken.length - 1;
  while (start > 0 && taken[start - 1]?.batchId === last.batchId) start -= 1;
  if (start > 0 || !pageEmpty) return { taken: taken.slice(0, start), hasMore: true, readAgain: false };
  // The bundle alone is larger than the page: deliver it whole. Its seqs are consecutive in the
  // stream, so it ends at the first gap: a later run with the same batch id (a replay of that batch)
  // is another bundle, and taking it now would skip every change in between.
  const following = await readBundleRest(db, last.stream, last.batchId, last.seq);
  // Seqs only grow, so once one is past its place in a consecutive run, every later one is too.
  const run = following.filter((row, i) => row.seq === last.seq + BigInt(i + 1));
  const rest = types ? run.filter((row) => types.includes(row.type)) : run;
  const whole = [...taken, ...rest];
  return { taken: whole, hasMore: await hasChangesAfter(db, last.stream, whole.at(-1)?.seq ?? last.seq, types), readAgain: true };
}
