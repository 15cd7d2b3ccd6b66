// A primary and its hot standby (PostgreSQL streaming replication), for the failover drill and the
// read-replica drill: pg_basebackup -R of a running primary, started on another port.
import { parseLsn } from "@/server/db/lsn";
import { freePort, initCluster, ownedDir, pgTool, startCluster, waitFor, type Cluster } from "./pg-cluster";

/** A primary that can feed standbys, started (`dir` is created). */
export async function startPrimary(dir: string): Promise<Cluster> {
  await initCluster(dir, ["wal_level = replica", "max_wal_senders = 4", "hot_standby = on", "fsync = off"]);
  return startCluster(dir, await freePort());
}

/** A streaming standby of `primary` in `dir` (pg_basebackup -R writes its primary_conninfo), started. */
export async function startStandby(primary: Cluster, dir: string): Promise<Cluster> {
  ownedDir(dir);
  await pgTool("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", dir, "-R", "-X", "stream", "-c", "fast"]);
  return startCluster(dir, await freePort());
}

type Lsn = { lsn: string | null };

/** Waits until the standby has replayed everything the primary has written so far. */
export async function waitForReplay(primary: Cluster, standby: Cluster): Promise<void> {
  const [{ lsn: head } = { lsn: "0/0" }] = await primary.sql<Lsn>("SELECT pg_current_wal_lsn()::text AS lsn");
  await waitFor("the standby to catch up", async () =>
    parseLsn((await standby.sql<Lsn>("SELECT pg_last_wal_replay_lsn()::text AS lsn"))[0]?.lsn ?? "0/0") >= parseLsn(head ?? "0/0"));
}

/** Pauses replay on a standby (it keeps receiving WAL, and answering reads at the paused point). */
export async function pauseReplay(standby: Cluster): Promise<void> {
  await standby.sql("SELECT pg_wal_replay_pause()");
  await waitFor("replay to pause", async () => (await standby.sql<{ s: string }>("SELECT pg_get_wal_replay_pause_state() AS s"))[0]?.s === "paused");
}

export async function resumeReplay(standby: Cluster): Promise<void> {
  await standby.sql("SELECT pg_wal_replay_resume()");
}
