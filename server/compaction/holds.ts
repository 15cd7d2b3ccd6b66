// Bootstrap snapshots in progress hold compaction back (research/scenarios.md: "a snapshot in
// progress stays readable while compaction runs"). A bootstrap's first page records its snapshot
// point per stream until the cursor expires; compaction never passes it meanwhile (nor after the
// device acks: its checkpoint holds from then on), so the last page's token can be pulled from.
// Without the hold the outcome would be safe but costly: the next page or the first pull would
// answer 412 compacted and the device would start over. created_at comes from the app's clock,
// like the acked_at of checkpoints it is compared with.
import type { Db, DbOrTx } from "../db/client";
import { sqlOf } from "../db/sql";

/** Records the snapshot `heads` (stream -> seq) of a bootstrap that `deviceRef` just began. */
export async function holdBootstrapSnapshot(
  db: Db, deviceRef: string, heads: Record<string, number>, expiresAt: Date,
): Promise<void> {
  const streams = Object.keys(heads);
  if (streams.length === 0) return;
  // Every first bootstrap page writes this: through pg (sqlOf), not the ORM.
  await sqlOf(db)(
    `INSERT INTO bootstrap_holds (id, device_ref, stream, seq, created_at, expires_at)
     SELECT gen_random_uuid(), $1::uuid, h.stream, h.seq, $2::timestamptz, $3::timestamptz
     FROM unnest($4::text[], $5::bigint[]) AS h(stream, seq)`,
    [deviceRef, new Date().toISOString(), expiresAt.toISOString(), streams, streams.map((s) => String(heads[s] ?? 0))],
  );
}

/** Deletes holds whose cursor has expired; returns how many. */
export function releaseExpiredHolds(db: DbOrTx, now: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM bootstrap_holds WHERE expires_at <= ${now}`;
}
