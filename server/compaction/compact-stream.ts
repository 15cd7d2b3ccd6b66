// Compacting one stream to its planned point, safe while devices pull, push and bootstrap:
//   1. Advance streams.compacted_until_seq and commit before deleting anything. Pulls check the
//      point again after reading (server/sync/pull.ts), so a page that raced the deletes below is
//      refused with 412 compacted, never delivered with a hole. The history fingerprint of the
//      change at the point moves to the stream row, so a token kept exactly there still verifies
//      once that change is deleted (server/sync/fingerprint.ts).
//   2. Delete changes at or below the point in seq ranges of `batchSize`, one statement each, so
//      memory and lock time stay bounded however long the history. A crash between statements
//      leaves rows below the point; the next run deletes them (it starts at the oldest row left).
//   3. Purge the tombstones whose delete is now compacted (last_seq in (old point, new point]),
//      `batchSize` at a time, each batch under the stream's head lock: a concurrent push sees the
//      tombstone or nothing. Last, so no change of a purged record's earlier life is left when an
//      id is created again (the merge policy reads base versions from the log). A crash before
//      this step leaves a few tombstones: harmless, they stay correct.
// Live records are never touched, so a bootstrap's pages (live records only) cannot tear.
import type { Db } from "../db/client";
import type { StreamPlan } from "./plan";

/** Lets queued requests in between batches: on the embedded database, queries settle without
 *  returning to the event loop, so a long run would otherwise keep HTTP requests waiting. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A background batch may wait behind busy writers for the stream lock: give it time. */
export const LONG_TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

export type StreamOutcome = { stream: string; from: number; to: number; changesDeleted: number; tombstonesPurged: number };

export async function compactStream(
  db: Db, plan: Pick<StreamPlan, "name" | "compactedUntilSeq" | "point"> & Partial<StreamPlan>, batchSize: number,
): Promise<StreamOutcome> {
  // 1. A concurrent run that got further is never moved back (nor its point's hash replaced).
  const [advanced] = await db.$queryRaw<{ point: bigint }[]>`
    UPDATE streams SET compacted_until_seq = GREATEST(compacted_until_seq, ${plan.point}),
      compacted_hash = CASE WHEN compacted_until_seq < ${plan.point}
        THEN (SELECT hash FROM changes WHERE stream = ${plan.name} AND seq = ${plan.point}) ELSE compacted_hash END
    WHERE name = ${plan.name} RETURNING compacted_until_seq AS point`;
  const point = advanced?.point ?? plan.compactedUntilSeq;

  // 2.
  let changesDeleted = 0;
  const [oldest] = await db.$queryRaw<{ seq: bigint | null }[]>`SELECT min(seq) AS seq FROM changes WHERE stream = ${plan.name}`;
  for (let low = oldest?.seq ?? point + 1n; low <= point; low += BigInt(batchSize)) {
    const high = low + BigInt(batchSize) - 1n < point ? low + BigInt(batchSize) - 1n : point;
    changesDeleted += await db.$executeRaw`DELETE FROM changes WHERE stream = ${plan.name} AND seq >= ${low} AND seq <= ${high}`;
    await breathe();
  }

  // 3.
  let tombstonesPurged = 0;
  while (point > plan.compactedUntilSeq) {
    const purged = await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT name FROM streams WHERE name = ${plan.name} FOR UPDATE`;
      return tx.$executeRaw`
        DELETE FROM records r USING (
          SELECT stream, type, id FROM records
          WHERE stream = ${plan.name} AND last_seq > ${plan.compactedUntilSeq} AND last_seq <= ${point} AND deleted
          LIMIT ${batchSize}
        ) t
        WHERE r.stream = t.stream AND r.type = t.type AND r.id = t.id`;
    }, LONG_TRANSACTION);
    tombstonesPurged += purged;
    await breathe();
    if (purged < batchSize) break;
  }
  return { stream: plan.name, from: Number(plan.compactedUntilSeq), to: Number(point), changesDeleted, tombstonesPurged };
}
