// The React Native storage (AsyncSqliteStorage) against the real server. React Native itself does
// not run here: the storage runs over better-sqlite3 wrapped in expo-sqlite's async shape
// (test/sdk/sqlite-drivers.ts), on a real SQLite file that outlives the app between "launches".
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FetchLike } from "@syncdesk/client";
import { AsyncSqliteStorage } from "@syncdesk/client";
import { serverSummary } from "../support/replica";
import { clientSummary, makeClient } from "../support/sdk";
import { startTestServer, type TestServer } from "../support/server";
import { expoLike } from "./sqlite-drivers";

let server: TestServer;
let users = 0;
const user = (name: string) => `rn-${name}-${++users}-${Date.now()}`;
const memo = (content: string) => ({ content, tags: [], pinned: false });
const newFile = () => path.join(mkdtempSync(path.join(tmpdir(), "sdk-rn-")), "sync.db");
const launch = (file: string) => AsyncSqliteStorage.open(expoLike(file).db);
const offline: FetchLike = async () => {
  throw new TypeError("Network request failed");
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("AsyncSqliteStorage (expo-sqlite shape) across app restarts", () => {
  it("keeps edits queued offline and pushes each exactly once after the app restarts", async () => {
    const dana = user("dana");
    const file = newFile();
    const storage = await launch(file);
    const first = await makeClient(server.url, dana, { storage, fetch: offline });
    const one = await first.create("memo", memo("one"));
    const two = await first.create("memo", memo("two"));
    await first.update("memo", one.id, memo("one, edited"));
    await first.create("noot", { title: "n", activities: [] }, { id: "noot-1" });
    await first.delete("memo", two.id);
    await expect(first.sync()).rejects.toMatchObject({ code: "network" });
    await first.close();
    await storage.close();

    const again = await makeClient(server.url, dana, { storage: await launch(file) });
    expect(await again.pendingCount()).toBe(2);
    await again.sync();
    const expected = await serverSummary(server.db.prisma, [`user:${dana}`]);
    expect(expected.map((r) => r.key.split("/")[1])).toEqual(["memo", "noot"]);
    expect(await again.pendingCount()).toBe(0);
    expect(await clientSummary(again)).toEqual(expected);
    expect((await again.get("memo", one.id))?.data).toEqual(memo("one, edited"));
    expect(await server.db.prisma.change.count({ where: { stream: `user:${dana}` } })).toBe(2);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: dana } })).toBe(1);
    await again.close();
  });

  it("resends a bundle whose answer was lost before the restart, and the server applies it once", async () => {
    const erin = user("erin");
    const file = newFile();
    const storage = await launch(file);
    const bodies: string[] = [];
    const losesPushAnswers: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      if (input.endsWith("/sync/push")) {
        bodies.push(String(init.body));
        throw new TypeError("connection reset after the server answered");
      }
      return response;
    };
    const first = await makeClient(server.url, erin, { storage, fetch: losesPushAnswers, retry: { attempts: 2 } });
    await first.create("memo", memo("once"));
    await expect(first.sync()).rejects.toMatchObject({ code: "network" });
    await storage.close();

    let resent = "";
    const watching: FetchLike = async (input, init) => {
      if (input.endsWith("/sync/push")) resent = String(init.body);
      return fetch(input, init);
    };
    const again = await makeClient(server.url, erin, { storage: await launch(file), fetch: watching });
    await again.sync();
    expect(bodies).toHaveLength(2);
    expect(new Set([...bodies, resent]).size).toBe(1); // the same bytes, bundle_id included
    expect(await again.pendingCount()).toBe(0);
    expect(await clientSummary(again)).toEqual(await serverSummary(server.db.prisma, [`user:${erin}`]));
    expect(await server.db.prisma.record.count({ where: { stream: `user:${erin}` } })).toBe(1);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: erin } })).toBe(1);
    await again.close();
  });
});
