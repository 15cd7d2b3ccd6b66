// Drill (docs/operations.md "Failover to a standby"): a streaming standby made with pg_basebackup
// keeps up while SDK devices work; then replication stops (the stream cut, replay paused: a
// standby promoted with replay merely paused first replays the WAL it already received, so it
// would lose nothing), the devices go on writing to the primary, the primary is lost, and the
// lagging standby is promoted. The server comes back on it while the devices keep working, and
// they heal the writes the failover lost. PostgreSQL only (vitest.config.ts).
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "@/server/db/client";
import { Fleet } from "../support/drill";
import { once } from "../support/once";
import { appendConf, makeScratch, pgTool, removeScratch, stopCluster, waitFor } from "../support/pg-cluster";
import { startTestServer, type TestServer } from "../support/server";
import { startPrimary, startStandby, waitForReplay } from "../support/standby";

const scratch = makeScratch("syncdesk-failover-");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  removeScratch(scratch);
});

async function serve(url: string, port?: number): Promise<TestServer> {
  const server = await startTestServer({ database: { ...(await openDatabase({ url })), name: "failover", url }, port });
  const closing = once(() => server.close());
  cleanups.push(closing);
  return { ...server, close: closing };
}

it("promotes a lagging standby while devices keep working; every device heals and equals the server", async () => {
  const [primaryDir, standbyDir] = [`${scratch}/primary`, `${scratch}/standby`];
  const primary = await startPrimary(primaryDir);
  cleanups.push(() => stopCluster(primaryDir, "immediate"));
  await primary.sql("CREATE DATABASE syncdesk");
  let server = await serve(primary.url("syncdesk"));
  const httpPort = Number(new URL(server.url).port);
  const fleet = await Fleet.start(server.url, 3);
  await fleet.work(2);

  const standby = await startStandby(primary, standbyDir);
  cleanups.push(() => stopCluster(standbyDir, "immediate"));
  await fleet.work(2);
  await waitForReplay(primary, standby);

  // Replication stops; the primary goes on acknowledging writes the standby never gets.
  // The stream first: a paused startup process does not act on the new primary_conninfo.
  appendConf(standbyDir, ["primary_conninfo = ''"], "postgresql.auto.conf"); // where pg_basebackup -R wrote it
  await pgTool("pg_ctl", ["-D", standbyDir, "reload"]);
  await waitFor("the stream to stop", async () => (await primary.sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_replication"))[0]?.n === "0");
  await standby.sql("SELECT pg_wal_replay_pause()");
  await fleet.work(3);

  // The primary is lost; the devices keep editing offline; the standby is promoted.
  await server.close();
  await stopCluster(primaryDir, "immediate");
  await fleet.work(1, { offline: true });
  await pgTool("pg_ctl", ["-D", standbyDir, "-w", "promote"]);
  await waitFor("the promotion", async () => (await standby.sql<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))[0]?.r === false);

  server = await serve(standby.url("syncdesk"), httpPort);
  await fleet.markRestored(server.db.prisma);
  expect(fleet.lost.length).toBeGreaterThan(0); // the standby really lagged

  await fleet.work(2);
  await fleet.settle();
  const { failures, recovered } = await fleet.check(server.db.prisma);
  expect(failures).toEqual([]);
  expect(fleet.diverged.size).toBe(3);
  expect(recovered).toBeGreaterThan(0);
});
