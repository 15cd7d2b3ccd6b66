// A database restore as an operator does one, on either engine: `dumpSyncState` copies the sync
// tables' rows (a logical dump), `restoreSyncState` puts exactly those rows back (a restore from
// that dump), so everything written in between is gone and the stream heads move back.
import type { Db } from "@/server/db/client";

// Parents before children for inserts; deletes run in reverse. batch_attempts follow their batches.
const TABLES = ["streams", "sync_batches", "batch_attempts", "records", "changes", "feed_events", "device_checkpoints", "bootstrap_holds"] as const;

export type SyncDump = Record<(typeof TABLES)[number], string>;

export async function dumpSyncState(db: Db): Promise<SyncDump> {
  const dump = {} as SyncDump;
  for (const table of TABLES) {
    const [row] = await db.$queryRawUnsafe<{ rows: unknown }[]>(`SELECT coalesce(jsonb_agg(t), '[]'::jsonb) AS rows FROM ${table} t`);
    dump[table] = JSON.stringify(row?.rows ?? []);
  }
  return dump;
}

export async function restoreSyncState(db: Db, dump: SyncDump): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const table of [...TABLES].reverse()) await tx.$executeRawUnsafe(`DELETE FROM ${table}`);
    for (const table of TABLES) {
      await tx.$executeRawUnsafe(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(null::${table}, $1::jsonb)`, dump[table]);
    }
  });
}
