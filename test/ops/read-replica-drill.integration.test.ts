// Drill (docs/deployment.md "Read replicas"): a real hot standby (pg_basebackup, streaming
// replication) serves the reads of DATABASE_READ_URLS while devices write to the primary. Replay
// is paused and resumed mid-run, and the standby is stopped and started again: devices always end
// equal to the primary, a token ahead of the paused standby is answered right (never a 412), and
// reads go back to the standby once it has caught up. PostgreSQL only (vitest.config.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/server/db/client";
import { readReplayedLsn } from "@/server/db/lsn";
import { closeReplicas, installReplicas, type ReplicaSet } from "@/server/db/replicas";
import { env } from "@/server/env";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";
import { ZChecksumsResponse, ZFetchResponse, ZVerifyResponse } from "@syncdesk/protocol";
import { metrics } from "@/server/metrics/registry";
import { pullChanges } from "@/server/sync/pull";
import { openPullToken } from "@/server/sync/tokens";
import { readMeta } from "@/packages/client/src/context";
import type { SyncClient } from "@syncdesk/client";
import { MemoryStorage } from "@syncdesk/client";
import { createStaffAs } from "../support/console-data";
import { serverSummary } from "../support/replica";
import { clientSummary, makeClient } from "../support/sdk";
import { makeScratch, removeScratch, startCluster, stopCluster, waitFor, type Cluster } from "../support/pg-cluster";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { pauseReplay, resumeReplay, startPrimary, startStandby, waitForReplay } from "../support/standby";

const scratch = makeScratch("syncdesk-replica-");
const [primaryDir, standbyDir] = [`${scratch}/primary`, `${scratch}/standby`];
let primary: Cluster;
let standby: Cluster;
let server: TestServer;
let db: Db;
let replicas: ReplicaSet;

beforeAll(async () => {
  primary = await startPrimary(primaryDir);
  await primary.sql("CREATE DATABASE syncdesk");
  const url = primary.url("syncdesk");
  server = await startTestServer({ database: { ...(await openDatabase({ url })), name: "replica", url } });
  db = server.db.prisma;
  standby = await startStandby(primary, standbyDir); // after the migration: the standby has the schema
  await waitForReplay(primary, standby);
  // A generous wait: a loaded CI machine must not turn a replica that is merely slow into a fallback.
  replicas = await installReplicas([standby.url("syncdesk")], 1_000);
});

afterAll(async () => {
  await closeReplicas();
  await server?.close();
  await stopCluster(standbyDir, "immediate");
  await stopCluster(primaryDir, "immediate");
  removeScratch(scratch);
});

type Target = "replica" | "primary_lagging" | "primary_down" | "primary_failed";
async function reads(target: Target): Promise<number> {
  return (await metrics().dbReads.get()).values.find((v) => v.labels.target === target)?.value ?? 0;
}

const memo = (content: string) => ({ content, tags: [], pinned: false });

/** A user's two devices: one writes, the other only reads, each with storage the test can open. */
async function pair(user: string) {
  const storage = new MemoryStorage();
  const writer = await makeClient(server.url, user);
  const reader = await makeClient(server.url, user, { storage });
  const bootstraps: (string | null)[] = [];
  reader.on("bootstrap", (e) => bootstraps.push(e.reason));
  return { writer, reader, storage, bootstraps, stream: `user:${user}` };
}

async function expectEqualToPrimary(client: SyncClient, stream: string): Promise<void> {
  expect(await clientSummary(client)).toEqual(await serverSummary(db, [stream]));
}

async function write(client: SyncClient, round: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await client.create("memo", memo(`${round} ${i}`), { id: `${round}-${i}` });
  await client.sync();
}

describe("reads on a hot standby", () => {
  it("converges a device whose reads go to the standby and writes to the primary, across a pause of replay", async () => {
    const { writer, reader, stream } = await pair("ann");
    await write(writer, "first", 5);
    const onReplica = await reads("replica");
    await reader.sync();
    await expectEqualToPrimary(reader, stream);
    expect(await reads("replica")).toBeGreaterThan(onReplica);

    await pauseReplay(standby);
    await write(writer, "paused", 5);
    await writer.update("memo", "first-0", memo("edited while replay was paused"));
    await writer.delete("memo", "first-1");
    await writer.sync();
    const lagging = await reads("primary_lagging");
    await reader.sync();
    await expectEqualToPrimary(reader, stream); // the standby lacks them: the primary answered
    expect(await reads("primary_lagging")).toBeGreaterThan(lagging);
    const onStandby = await standby.sql<{ n: string }>(`SELECT count(*) AS n FROM records WHERE stream = '${stream}' AND NOT deleted`, "syncdesk");
    expect(Number(onStandby[0]?.n)).toBe(5); // it really lagged

    await resumeReplay(standby);
    await waitForReplay(primary, standby);
    await write(writer, "resumed", 3);
    const resumed = await reads("replica");
    await reader.sync();
    await expectEqualToPrimary(reader, stream);
    expect(await reads("replica")).toBeGreaterThan(resumed);
    await expectEqualToPrimary(writer, stream);
  });

  it("lets verify, checksums and fetch see a device's own push while replay is paused, then serves them from the standby", async () => {
    const { writer, stream } = await pair("dee");
    await write(writer, "seen", 2);
    const jwt = await mintDeviceJwt({ userId: "dee", secret: TEST_JWT_SECRET });
    const call = async (method: string, path: string, body?: object) => {
      const response = await fetch(`${server.url}${path}`, {
        method, headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json", "x-device-id": "dee-checker" },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    const expectAll = async (ids: string[]) => {
      const sums = ZChecksumsResponse.parse(await call("GET", "/api/v1/sync/checksums"));
      expect(sums.items.map((i) => i.id).sort()).toEqual(ids);
      const fetched = ZFetchResponse.parse(await call("POST", "/api/v1/sync/fetch", { items: ids.map((id) => ({ type: "memo", id })) }));
      expect(fetched.missing).toEqual([]);
      const verified = ZVerifyResponse.parse(await call("POST", "/api/v1/sync/verify", { device_id: "dee-checker", items: [] }));
      expect(verified.missing.map((r) => r.id).sort()).toEqual(ids);
    };

    await pauseReplay(standby);
    await write(writer, "mine", 2); // on the primary only
    const lagging = await reads("primary_lagging");
    await expectAll(["mine-0", "mine-1", "seen-0", "seen-1"]);
    expect(await reads("primary_lagging")).toBeGreaterThanOrEqual(lagging + 3);

    await resumeReplay(standby);
    await waitForReplay(primary, standby);
    const onReplica = await reads("replica");
    await expectAll(["mine-0", "mine-1", "seen-0", "seen-1"]);
    expect(await reads("replica")).toBeGreaterThanOrEqual(onReplica + 3);

    // A new device's bootstrap pages after the first, and its pull pages, read the standby too.
    const late = await makeClient(server.url, "dee", { bootstrapLimit: 1, pullLimit: 1 });
    const before = await reads("replica");
    await late.sync();
    await expectEqualToPrimary(late, stream);
    expect(await reads("replica")).toBeGreaterThanOrEqual(before + 4);
  });

  it("serves console lists from the standby once it has replayed what the primary committed", async () => {
    const { writer } = await pair("eve");
    await write(writer, "listed", 3);
    const console = createCallerFactory(appRouter)({ db, staff: await createStaffAs(db, "viewer") });
    const listed = async () => (await console.records.list({ userId: "eve" })).records.map((r) => r.id).sort();

    await pauseReplay(standby);
    await writer.create("memo", memo("made while replay was paused"), { id: "listed-3" });
    await writer.sync();
    const lagging = await reads("primary_lagging");
    expect(await listed()).toEqual(["listed-0", "listed-1", "listed-2", "listed-3"]); // not the standby's stale list
    expect(await reads("primary_lagging")).toBe(lagging + 1);

    await resumeReplay(standby);
    await waitForReplay(primary, standby);
    const onReplica = await reads("replica");
    expect(await listed()).toEqual(["listed-0", "listed-1", "listed-2", "listed-3"]);
    const devices = await console.devices.list({ userId: "eve" });
    expect(devices.devices.length).toBe(1); // the writer (its reader never called)
    expect(await reads("replica")).toBe(onReplica + 2);
  });

  it("answers a token ahead of a paused standby with the changes after it, never a 412", async () => {
    const { writer, reader, storage, bootstraps, stream } = await pair("bob");
    await write(writer, "before", 4);
    await reader.sync();
    await pauseReplay(standby);
    await write(writer, "ahead", 4);
    await reader.sync(); // its token is now ahead of what the standby has replayed
    const { token, device_id: deviceId } = await readMeta(storage);
    if (!token) throw new Error("the reader has no token");

    // Served by the standby as it is, that token would be refused as another history:
    const device = await db.device.findFirstOrThrow({ where: { deviceId }, select: { id: true } });
    const position = openPullToken(env().syncTokenSecret, token);
    const context = { userId: "bob", streams: [stream], deviceId, deviceRef: device.id };
    const standbyDb = replicas.replicas[0]?.db;
    if (!standbyDb) throw new Error("no replica installed");
    await expect(pullChanges(standbyDb, context, position, 100)).rejects.toMatchObject({ details: { reason: "history_diverged" } });

    await writer.update("memo", "ahead-0", memo("after the token"));
    await writer.delete("memo", "before-0");
    await writer.sync();
    const report = await reader.sync();
    expect(report.pulled).toBe(2);
    await expectEqualToPrimary(reader, stream);
    expect(bootstraps).toEqual([null]); // its first bootstrap only
    await resumeReplay(standby);
    await waitForReplay(primary, standby);
  });

  it("skips a standby that is down, and reads from it again once it is back", async () => {
    const { writer, reader, stream } = await pair("cyd");
    await write(writer, "up", 3);
    await reader.sync();
    await stopCluster(standbyDir, "immediate");
    const skipped = (await reads("primary_down")) + (await reads("primary_failed"));
    await write(writer, "down", 3);
    await reader.sync();
    await expectEqualToPrimary(reader, stream);
    expect((await reads("primary_down")) + (await reads("primary_failed"))).toBeGreaterThan(skipped);

    standby = await startCluster(standbyDir, standby.port);
    await write(writer, "back", 3);
    const before = await reads("replica");
    // The cool-down passes; then reads find the standby again.
    await waitFor("a read on the standby", async () => {
      await reader.sync();
      return (await reads("replica")) > before;
    });
    await expectEqualToPrimary(reader, stream);
  });

  // Last: the standby leaves recovery for good.
  it("never takes a promoted standby for a replica that has caught up", async () => {
    const [replica] = replicas.replicas;
    await waitForReplay(primary, standby);
    expect(await readReplayedLsn(server.db.prisma)).toBeNull(); // the primary itself
    await standby.sql("SELECT pg_promote(true)");
    await waitFor("the standby to leave recovery", async () => (await standby.sql<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))[0]?.r === false);
    expect(replica && (await readReplayedLsn(replica.db))).toBeNull();
  });
});
