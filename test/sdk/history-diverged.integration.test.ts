// The SDK after a database restore (issue 19): a device whose token is in the lost history is told
// `history_diverged`, bootstraps again keeping its unsynced edits on top, pushes them, and ends
// equal to the server and to the other devices.
import { afterAll, beforeAll, expect, it } from "vitest";
import { serverSummary } from "../support/replica";
import { dumpSyncState, restoreSyncState } from "../support/restore";
import { clientSummary, makeClient } from "../support/sdk";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const memo = (content: string) => ({ content, tags: [], pinned: false });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it("re-bootstraps on history_diverged, keeps unsynced edits, and converges with the device that wrote after the restore", async () => {
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
  a.on("bootstrap", (e) => reasons.push(e.reason));
  expect(await a.pull()).toMatchObject({ bootstrapped: true });
  expect(reasons).toEqual(["history_diverged"]);
  const view = Object.fromEntries((await a.list("memo")).map((r) => [r.id, [r.data.content, r.pending]]));
  // A2 and A3 are gone with the server's copy: offering them back is issue 19's healing, not done yet.
  expect(view).toEqual({ A1: ["A1, edited after the restore", true], B1: ["B1", false], B2: ["B2", false] });

  await a.sync();
  await b.sync();
  const expected = await serverSummary(server.db.prisma, [`user:${user}`]);
  expect(await clientSummary(a)).toEqual(expected);
  expect(await clientSummary(b)).toEqual(expected);
  expect(await a.pendingCount()).toBe(0);
  expect(expected.map((r) => r.key.split("/").at(-1))).toEqual(["A1", "B1", "B2"]);
});
