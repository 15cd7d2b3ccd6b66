// The one place that decides where a read runs (docs/deployment.md "Read replicas"). Routes and
// procedures whose answer may come from a replica call `readFrom`; everything else (writes, and
// reads that must see a write of the same request) keeps the primary `db` it was given.
//   1. No replicas, or the embedded database: the primary.
//   2. Ask the primary how far its WAL is durable (one trivial statement). Every commit before
//      this request, the caller's own writes and the positions of any token it holds included,
//      is at or before that point.
//   3. Take the next replica in turn that has replayed that far (its replay position is read, or
//      known from an earlier read: replay only moves forward). A lagging one is polled until
//      DATABASE_READ_WAIT_MS has passed; a replica that fails the check cools down for a while.
//   4. None caught up in time, or none is up: the primary. So a replica answers exactly what the
//      primary would have answered at some moment after the request arrived: never less than a
//      token requires (no false 412 history_diverged or compacted), never an older page.
//   5. A read that fails on the replica for any reason but an answer of ours (AppError) runs
//      again on the primary (reads have no effects to repeat); when the primary answers, the
//      replica cools down.
import { AppError } from "../errors";
import { recordDbRead } from "../metrics/registry";
import type { Db } from "./client";
import { readFlushedLsn, readReplayedLsn } from "./lsn";
import { candidatesOf, markDown, replicaSet, type Replica, type ReplicaSet } from "./replicas";
import { onPostgresServer } from "./sql";

const POLL_MS = 10;

export async function readFrom<T>(primary: Db, read: (db: Db) => Promise<T>): Promise<T> {
  // 1.
  const set = replicaSet();
  if (!set || !onPostgresServer(primary)) return read(primary);
  const chosen = await chooseReplica(set, primary);
  if (chosen.replica === null) {
    recordDbRead(chosen.why);
    return read(primary);
  }
  // 5.
  try {
    const answer = await read(chosen.replica.db);
    recordDbRead("replica");
    return answer;
  } catch (error) {
    if (error instanceof AppError) throw error;
    recordDbRead("primary_failed");
    const answer = await read(primary);
    // Only a replica that failed where the primary did not is left out for a while.
    markDown(chosen.replica);
    return answer;
  }
}

type Choice = { replica: Replica; why?: never } | { replica: null; why: "primary_lagging" | "primary_down" };

async function chooseReplica(set: ReplicaSet, primary: Db): Promise<Choice> {
  const candidates = candidatesOf(set, Date.now());
  if (candidates.length === 0) return { replica: null, why: "primary_down" };
  // 2.
  const required = await readFlushedLsn(primary);
  const deadline = Date.now() + set.waitMs;
  // 3.
  for (;;) {
    for (const replica of candidates) {
      if (replica.downUntil > Date.now()) continue;
      if (replica.replayed >= required || (await caughtUp(replica, required))) return { replica };
    }
    const live = candidates.some((r) => r.downUntil <= Date.now());
    // 4.
    if (!live) return { replica: null, why: "primary_down" };
    if (Date.now() >= deadline) return { replica: null, why: "primary_lagging" };
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

async function caughtUp(replica: Replica, required: bigint): Promise<boolean> {
  try {
    const replayed = await readReplayedLsn(replica.db);
    if (replayed === null) {
      markDown(replica); // promoted, or not a standby at all: another history, never read
      return false;
    }
    if (replayed > replica.replayed) replica.replayed = replayed;
    return replayed >= required;
  } catch {
    markDown(replica);
    return false;
  }
}
