// Write-ahead log positions (PostgreSQL's pg_lsn, "16/B374D848") as numbers, so a replica's
// replay position compares with what the primary has made durable.
import type { Db } from "./client";
import { sqlOf } from "./sql";

export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/**
 * The primary's flushed WAL position: every transaction committed before this call (with
 * synchronous_commit on, PostgreSQL's default, which Syncdesk keeps) has its commit record at or
 * before it, so a replica that replayed this far sees all of them.
 */
export async function readFlushedLsn(primary: Db): Promise<bigint> {
  const [row] = await sqlOf(primary)<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn", [], { prepare: true });
  if (!row) throw new Error("pg_current_wal_flush_lsn() returned no row");
  return parseLsn(row.lsn);
}

/** How far a hot standby has replayed; null on a server not in recovery (e.g. a promoted one). */
export async function readReplayedLsn(replica: Db): Promise<bigint | null> {
  // pg_last_wal_replay_lsn() alone stays at its last replayed position once a standby is promoted
  // (it is null only on a server that never recovered): such a server, writing its own history,
  // could pass as caught up while the primary is idle.
  const [row] = await sqlOf(replica)<{ lsn: string | null }>(
    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS lsn", [], { prepare: true });
  return row?.lsn ? parseLsn(row.lsn) : null;
}
