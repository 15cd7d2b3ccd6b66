// The SDK against the real server: devices converge, an offline outbox survives a restart, a lost
// answer is retried with the same bundle, conflicts reach the app and are resolved, and a forced
// re-bootstrap keeps unpushed edits.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStorage } from "@syncdesk/client/sqlite";
import type { FetchLike } from "@syncdesk/client";
import { serverSummary } from "../support/replica";
import { clientSummary, makeClient } from "../support/sdk";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let users = 0;
const user = (name: string) => `${name}-${++users}-${Date.now()}`;
const memo = (content: string) => ({ content, tags: [], pinned: false });
const offline: FetchLike = async () => {
  throw new TypeError("fetch failed");
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const expectConverged = async (userId: string, ...clients: Awaited<ReturnType<typeof makeClient>>[]) => {
  const expected = await serverSummary(server.db.prisma, [`user:${userId}`]);
  for (const client of clients) {
    expect(await client.pendingCount()).toBe(0);
    expect(await clientSummary(client)).toEqual(expected);
  }
  return expected;
};

describe("two devices of one user", () => {
  it("converge on creates (temp ids mapped), updates and deletes made offline on both", async () => {
    const alice = user("alice");
    const a = await makeClient(server.url, alice);
    const b = await makeClient(server.url, alice);
    const mapped: string[] = [];
    a.on("mapped", (e) => mapped.push(`${e.temp_id}->${e.key.id}`));
    const shared = await a.create("memo", memo("shared"));
    await a.sync();
    const sharedId = await a.resolveId(shared.id);
    expect(mapped).toEqual([`${shared.id}->${sharedId}`]);
    expect(sharedId).not.toBe(shared.id);
    await b.sync();

    const note = await a.create("memo", memo("from a"));
    await a.update("memo", note.id, memo("from a, edited"));
    await b.create("diary", { date: "2026-11-22", mood: "ok", summary: "b" }, { id: "diary-1" });
    await b.delete("memo", sharedId);
    await a.sync();
    await b.sync();
    await a.sync();

    const rows = await expectConverged(alice, a, b);
    expect(rows.map((r) => r.key.split("/")[1])).toEqual(["diary", "memo"]);
    expect((await a.get("memo", note.id))?.data).toEqual(memo("from a, edited"));
    expect(await a.get("memo", sharedId)).toBeNull();
    const checkpoint = await server.db.prisma.deviceCheckpoint.findMany({ where: { stream: `user:${alice}` } });
    const head = await server.db.prisma.stream.findUniqueOrThrow({ where: { name: `user:${alice}` } });
    expect(checkpoint.map((c) => c.seq)).toEqual([head.headSeq, head.headSeq]);
  });
});

describe("the outbox across a restart (SQLite storage)", () => {
  it("keeps edits queued offline and pushes each exactly once after the app restarts", async () => {
    const bob = user("bob");
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sdk-")), "sync.db");
    const storage = new SqliteStorage(file);
    const first = await makeClient(server.url, bob, { storage, fetch: offline });
    const one = await first.create("memo", memo("one"));
    const two = await first.create("memo", memo("two"));
    await first.update("memo", one.id, memo("one, edited"));
    await first.create("noot", { title: "n", activities: [] }, { id: "noot-1" });
    await first.delete("memo", two.id);
    await expect(first.sync()).rejects.toMatchObject({ code: "network" });
    await first.close();
    await storage.close();

    const again = await makeClient(server.url, bob, { storage: new SqliteStorage(file) });
    expect(await again.pendingCount()).toBe(2);
    await again.sync();
    const expected = await expectConverged(bob, again);
    expect(expected.map((r) => r.key.split("/")[1])).toEqual(["memo", "noot"]);
    expect((await again.get("memo", one.id))?.data).toEqual(memo("one, edited"));
    expect(await server.db.prisma.change.count({ where: { stream: `user:${bob}` } })).toBe(2);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: bob } })).toBe(1);
  });

  it("resends a bundle whose answer was lost before the restart, and the server applies it once", async () => {
    const carol = user("carol");
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sdk-")), "sync.db");
    const storage = new SqliteStorage(file);
    let pushes = 0;
    const losesPushAnswers: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      if (input.endsWith("/sync/push")) {
        pushes++;
        throw new TypeError("connection reset after the server answered");
      }
      return response;
    };
    const first = await makeClient(server.url, carol, { storage, fetch: losesPushAnswers, retry: { attempts: 3 } });
    await first.create("memo", memo("once"));
    await expect(first.sync()).rejects.toMatchObject({ code: "network" });
    expect(pushes).toBe(3);
    await storage.close();

    const again = await makeClient(server.url, carol, { storage: new SqliteStorage(file) });
    await again.sync();
    await expectConverged(carol, again);
    expect(await server.db.prisma.record.count({ where: { stream: `user:${carol}` } })).toBe(1);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: carol } })).toBe(1);
  });
});

describe("conflicts reach the app", () => {
  const reading = (value: number) => ({ code: "M-1", reading: value, unit: "kWh" });

  it("a stored (manual) conflict carries both sides and resolves through the conflicts API", async () => {
    const dave = user("dave");
    const a = await makeClient(server.url, dave);
    const b = await makeClient(server.url, dave);
    await a.create("meter", reading(1), { id: "m-1" });
    await a.sync();
    await b.sync();
    await a.update("meter", "m-1", reading(2));
    await b.update("meter", "m-1", reading(3));
    await a.sync();
    const seen: string[] = [];
    b.on("conflict", (c) => seen.push(c.kind));
    await b.sync();
    const [conflict] = await b.conflicts();
    expect(seen).toEqual(["stored"]);
    expect(conflict).toMatchObject({ kind: "stored", key: { type: "meter", id: "m-1" }, local_data: reading(3) });
    expect(conflict?.detail).toMatchObject({ server_version: 2, server_data: reading(2), client_data: reading(3) });
    expect((await b.serverConflicts()).map((c) => c.id)).toEqual([conflict?.id]);

    await b.resolveConflict(conflict?.id ?? "", { keep: "merged", data: reading(5) });
    await b.sync();
    await a.sync();
    expect(await b.conflicts()).toEqual([]);
    expect(await b.serverConflicts()).toEqual([]);
    await expectConverged(dave, a, b);
    expect((await a.get("meter", "m-1"))?.data).toEqual(reading(5));
  });

  it("a server_wins outcome can be kept local by re-pushing it", async () => {
    const erin = user("erin");
    const a = await makeClient(server.url, erin);
    const b = await makeClient(server.url, erin);
    await a.create("noot", { title: "v1", activities: [] }, { id: "n-1" });
    await a.sync();
    await b.sync();
    await a.update("noot", "n-1", { title: "from a", activities: [] });
    await b.update("noot", "n-1", { title: "from b", activities: [] });
    await a.sync();
    await b.sync();
    const [conflict] = await b.conflicts();
    expect(conflict).toMatchObject({ kind: "server_wins", detail: { resolution: "server_wins", server_data: { title: "from a", activities: [] } } });
    expect((await b.get("noot", "n-1"))?.data).toEqual({ title: "from a", activities: [] });

    await b.resolveConflict(conflict?.id ?? "", { keep: "local" });
    expect(await b.conflicts()).toEqual([]);
    await b.sync();
    await a.sync();
    await expectConverged(erin, a, b);
    expect((await a.get("noot", "n-1"))?.data).toEqual({ title: "from b", activities: [] });
  });
});

describe("412 bootstrap_required", () => {
  it("re-bootstraps, keeps the unpushed edits on top, then pushes them", async () => {
    const fay = user("fay");
    const a = await makeClient(server.url, fay);
    const b = await makeClient(server.url, fay);
    await a.create("memo", memo("kept"), { id: "k" });
    await a.create("memo", memo("to delete"), { id: "d" });
    await a.sync();
    await b.sync();
    await b.update("memo", "k", memo("kept, edited offline"));
    const local = await b.create("memo", memo("new offline"));
    await a.create("memo", memo("while b was away"), { id: "w" });
    await a.delete("memo", "d");
    await a.sync();
    const stream = `user:${fay}`;
    const head = await server.db.prisma.stream.findUniqueOrThrow({ where: { name: stream } });
    await server.db.prisma.stream.update({ where: { name: stream }, data: { compactedUntilSeq: head.headSeq } });

    const reasons: (string | null)[] = [];
    b.on("bootstrap", (e) => reasons.push(e.reason));
    expect(await b.pull()).toMatchObject({ bootstrapped: true });
    expect(reasons).toEqual(["compacted"]);
    expect(await b.pendingCount()).toBe(2);
    const view = Object.fromEntries((await b.list("memo")).map((r) => [r.id, [r.data.content, r.pending]]));
    expect(view).toEqual({ k: ["kept, edited offline", true], w: ["while b was away", false], [local.id]: ["new offline", true] });

    await b.sync();
    await a.sync();
    await expectConverged(fay, a, b);
    expect((await a.list("memo")).map((r) => r.data.content).sort()).toEqual(["kept, edited offline", "new offline", "while b was away"]);
  });
});

describe("live()", () => {
  it("syncs when the server pokes over Server-Sent Events, long before its polling interval", async () => {
    const gus = user("gus");
    let acks = 0;
    const counting: FetchLike = (input, init) => {
      if (input.endsWith("/sync/ack")) acks++;
      return fetch(input, init);
    };
    const a = await makeClient(server.url, gus, { fetch: counting });
    const b = await makeClient(server.url, gus);
    const errors: unknown[] = [];
    const live = a.live({ intervalMs: 10 * 60_000, onError: (e) => errors.push(e) });
    try {
      // After live()'s first sync (it ends with an ack), only the server's events can start another.
      for (let i = 0; i < 400 && acks === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      const before = acks;
      expect(before).toBeGreaterThanOrEqual(1);
      await b.create("memo", memo("poke me"), { id: "poked" });
      await b.sync();
      let seen = await a.get("memo", "poked");
      for (let i = 0; i < 400 && !seen; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        seen = await a.get("memo", "poked");
      }
      expect(seen?.data).toEqual(memo("poke me"));
      expect(acks).toBeGreaterThan(before);
    } finally {
      await live.stop();
    }
    expect(errors).toEqual([]);
  });
});
