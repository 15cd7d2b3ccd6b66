// Drill (docs/operations.md "Point-in-time recovery"): a real PostgreSQL cluster archiving its WAL,
// a base backup taken with pg_basebackup, SDK devices working throughout; the primary is lost and
// the base backup is recovered with the archived WAL to a moment in the middle of the workload.
// The server comes back on the recovered cluster and the devices, still working, heal the writes
// the recovery lost. PostgreSQL only (vitest.config.ts): it needs the server's own tools.
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "@/server/db/client";
import { Fleet } from "../support/drill";
import { once } from "../support/once";
import {
  appendConf, freePort, initCluster, makeScratch, ownedDir, pgTool, removeScratch, startCluster, stopCluster, touchOwned, waitFor,
} from "../support/pg-cluster";
import { startTestServer, type TestServer } from "../support/server";

const scratch = makeScratch("syncdesk-pitr-");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  removeScratch(scratch);
});

async function serve(url: string, port?: number): Promise<TestServer> {
  const server = await startTestServer({ database: { ...(await openDatabase({ url })), name: "pitr", url }, port });
  const closing = once(() => server.close());
  cleanups.push(closing);
  return { ...server, close: closing };
}

it("recovers a base backup and archived WAL to a time mid-workload; every device heals and equals the server", async () => {
  const [primaryDir, restoredDir, archive] = [`${scratch}/primary`, `${scratch}/restored`, ownedDir(`${scratch}/archive`)];
  await initCluster(primaryDir, [
    "wal_level = replica", "archive_mode = on", `archive_command = 'cp %p ${archive}/%f'`, "fsync = off", "max_wal_senders = 4",
  ]);
  const primary = await startCluster(primaryDir, await freePort());
  cleanups.push(() => stopCluster(primaryDir, "immediate"));
  await primary.sql("CREATE DATABASE syncdesk");
  let server = await serve(primary.url("syncdesk"));
  const httpPort = Number(new URL(server.url).port);
  const fleet = await Fleet.start(server.url, 3);

  // The nightly base backup, then a workload; the recovery target falls in its middle.
  ownedDir(restoredDir);
  await pgTool("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", restoredDir, "-X", "stream", "-c", "fast"]);
  await fleet.work(3);
  const [{ target } = { target: "" }] = await primary.sql<{ target: string }>("SELECT clock_timestamp()::text AS target");
  await fleet.work(3);
  // Everything up to here is archived: the segment in use is switched out and copied.
  const [{ wal } = { wal: "" }] = await primary.sql<{ wal: string }>("SELECT pg_walfile_name(pg_switch_wal()) AS wal");
  await waitFor("the last WAL segment archived", async () =>
    ((await primary.sql<{ last: string | null }>("SELECT last_archived_wal AS last FROM pg_stat_archiver"))[0]?.last ?? "") >= wal);

  // The primary is lost. Recovery: the base backup, the archive, the target time.
  await server.close();
  await stopCluster(primaryDir, "immediate");
  appendConf(restoredDir, [
    "archive_mode = off", `restore_command = 'cp ${archive}/%f %p'`, `recovery_target_time = '${target}'`, "recovery_target_action = 'promote'",
  ]);
  touchOwned(`${restoredDir}/recovery.signal`);
  const restored = await startCluster(restoredDir, await freePort());
  cleanups.push(() => stopCluster(restoredDir, "immediate"));
  await waitFor("the recovery to end", async () => (await restored.sql<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))[0]?.r === false);

  server = await serve(restored.url("syncdesk"), httpPort);
  await fleet.markRestored(server.db.prisma);
  expect(fleet.lost.length).toBeGreaterThan(0); // the recovery really went back into the workload

  await fleet.work(2); // the devices keep working, and heal on their way
  await fleet.settle();
  const { failures, recovered } = await fleet.check(server.db.prisma);
  expect(failures).toEqual([]);
  expect(fleet.diverged.size).toBe(3);
  expect(recovered).toBeGreaterThan(0);
});
