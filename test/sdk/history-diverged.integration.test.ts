// The SDK after a database restore (issue 19): a device whose token is in the lost history is told
// `history_diverged`, bootstraps again keeping its unsynced edits on top, offers back what the
// server lost (a `recovered` push, audited per record), and ends equal to the server and to the
// other devices. The console's device row says it diverged and healed.
import { afterAll, beforeAll, expect, it } from "vitest";
import { serverSummary } from "../support/replica";
import { dumpSyncState, restoreSyncState } from "../support/restore";
import { clientSummary, makeClient } from "../support/sdk";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const memo = (content: string) => ({ content, tags: [], pinned: false });
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it("heals on history_diverged: the records the server lost are pushed back as recovered, unsynced edits stay, both devices converge", async () => {
  const user = `ada-${Date.now()}`;
  const a = await makeClient(server.url, user);
  const b = await makeClient(server.url, user);
  await a.create("memo", memo("A1"), { id: "A1" });
  await a.sync();
  const dump = await dumpSyncState(server.db.prisma);
  await a.create("memo", memo("A2"), { id: "A2" });
  await a.create("memo", memo("A3"), { id: "A3" });
  await a.sync();
  await restoreSyncState(server.db.prisma, dump);

  await b.create("memo", memo("B1"), { id: "B1" });
  await b.create("memo", memo("B2"), { id: "B2" });
  await b.sync(); // seqs 2-3 again
  await a.update("memo", "A1", memo("A1, edited after the restore"));

  const reasons: (string | null)[] = [];
  const recoveries: { queued: string[]; superseded: string[] }[] = [];
  a.on("bootstrap", (e) => reasons.push(e.reason));
  a.on("recovery", (e) => recoveries.push({ queued: ids(e.queued), superseded: ids(e.superseded) }));
  expect(await a.pull()).toMatchObject({ bootstrapped: true, recovered: 2 });
  expect(reasons).toEqual(["history_diverged"]);
  // A1 has an edit in the outbox: that edit is A's word on it, nothing else is queued for it.
  expect(recoveries).toEqual([{ queued: ["A2", "A3"], superseded: [] }]);
  const view = Object.fromEntries((await a.list("memo")).map((r) => [r.id, [r.data.content, r.pending]]));
  expect(view).toEqual({
    A1: ["A1, edited after the restore", true], A2: ["A2", true], A3: ["A3", true], B1: ["B1", false], B2: ["B2", false],
  });

  await a.sync();
  await b.sync();
  const expected = await serverSummary(server.db.prisma, [`user:${user}`]);
  expect(await clientSummary(a)).toEqual(expected);
  expect(await clientSummary(b)).toEqual(expected);
  expect(await a.pendingCount()).toBe(0);
  expect(expected.map((r) => r.key.split("/").at(-1))).toEqual(["A1", "A2", "A3", "B1", "B2"]);
  expect((await b.get("memo", "A1"))?.data.content).toBe("A1, edited after the restore");

  // The server recorded the recovered push on its batch and each record in the audit log.
  const prisma = server.db.prisma;
  const batches = await prisma.syncBatch.findMany({ where: { userId: user, recovered: true }, select: { itemCount: true, okCount: true } });
  expect(batches).toEqual([{ itemCount: 2, okCount: 2 }]);
  const audit = await prisma.auditEntry.findMany({ where: { action: "record.recovered", targetId: { startsWith: `user:${user}/` } } });
  expect(audit.map((e) => e.targetId).sort()).toEqual(["A2", "A3"].map((id) => `user:${user}/memo/${id}`));
  expect(audit.map((e) => e.details)).toEqual(expect.arrayContaining([expect.objectContaining({ action: "create", status: "ok", version: 1 })]));
  const devices = await prisma.device.findMany({ where: { userId: user }, select: { divergedAt: true, healedAt: true } });
  const [diverged, other] = [devices.filter((d) => d.divergedAt), devices.filter((d) => !d.divergedAt)];
  expect(diverged).toHaveLength(1);
  expect(other).toHaveLength(1);
  expect(diverged[0]?.healedAt?.getTime()).toBeGreaterThanOrEqual(diverged[0]?.divergedAt?.getTime() ?? Infinity);
});

it("a record the server changed since the restore is superseded, not pushed; a delete the server lost is pushed again", async () => {
  const user = `bea-${Date.now()}`;
  const a = await makeClient(server.url, user);
  const b = await makeClient(server.url, user);
  for (const id of ["K", "D"]) await a.create("memo", memo(id), { id });
  await a.sync();
  await b.sync();
  const dump = await dumpSyncState(server.db.prisma);
  await a.update("memo", "K", memo("K by A, lost"));
  await a.delete("memo", "D");
  await a.sync();
  await restoreSyncState(server.db.prisma, dump);
  // B edits K twice after the restore: version 3, newer than the version 2 A held.
  await b.update("memo", "K", memo("K by B"));
  await b.sync();
  await b.update("memo", "K", memo("K by B, again"));
  await b.sync();

  const recoveries: { queued: string[]; superseded: string[] }[] = [];
  a.on("recovery", (e) => recoveries.push({ queued: ids(e.queued), superseded: ids(e.superseded) }));
  expect(await a.sync()).toMatchObject({ bootstrapped: true, recovered: 1 });
  expect(recoveries).toEqual([{ queued: ["D"], superseded: ["K"] }]);
  await b.sync();
  const expected = await serverSummary(server.db.prisma, [`user:${user}`]);
  expect(expected.map((r) => r.key.split("/").at(-1))).toEqual(["K"]);
  expect(await clientSummary(a)).toEqual(expected);
  expect(await clientSummary(b)).toEqual(expected);
  expect((await a.get("memo", "K"))?.data.content).toBe("K by B, again");
});
