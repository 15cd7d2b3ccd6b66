// The real WatermelonDB `synchronize()` (LokiJS adapter, headless in Node) against our
// WatermelonDB endpoints: apps edit offline, sync, and converge with each other and the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { WatermelonApp } from "./watermelon-app";

let server: TestServer;
let n = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const MEMO = ["content", "pinned", "tags"] as const;
const METER = ["code", "reading", "unit"] as const;

async function twoApps() {
  const userId = `wm-${++n}-${Date.now()}`;
  const jwt = await mintDeviceJwt({ userId, secret: TEST_JWT_SECRET });
  return { userId, a: new WatermelonApp(`a-${userId}`, server.url, jwt), b: new WatermelonApp(`b-${userId}`, server.url, jwt) };
}

/** The server's live memos of the user, as raw Watermelon rows. */
async function serverMemos(userId: string) {
  const rows = await server.db.prisma.record.findMany({ where: { stream: `user:${userId}`, type: "memo", deleted: false } });
  return rows
    .map((r) => {
      const data = r.data as { content: string; pinned: boolean; tags: string[] };
      return { id: r.id, content: data.content, pinned: data.pinned, tags: JSON.stringify(data.tags) };
    })
    .sort((x, y) => (x.id < y.id ? -1 : 1));
}

describe("WatermelonDB synchronize() against Syncdesk", () => {
  it("two apps edit offline, sync, and converge with the server", async () => {
    const { userId, a, b } = await twoApps();
    const first = await a.create("memos", { content: "from a", pinned: false, tags: "[\"home\"]" });
    const second = await a.create("memos", { content: "to delete", pinned: true, tags: "[]" });
    await a.create("meters", { code: "M-1", reading: 10, unit: "kWh" });
    await a.sync();
    await b.sync();
    expect(await b.rows("memos", MEMO)).toEqual(await a.rows("memos", MEMO));

    await b.update("memos", first, { content: "edited on b" });
    await b.create("memos", { content: "from b", pinned: false, tags: "[]" });
    await a.delete("memos", second);
    await a.sync();
    await b.sync();
    await a.sync();

    const expected = await serverMemos(userId);
    expect(expected.map((m) => m.content).sort()).toEqual(["edited on b", "from b"]);
    expect(await a.rows("memos", MEMO)).toEqual(expected);
    expect(await b.rows("memos", MEMO)).toEqual(expected);
    expect(await b.rows("meters", METER)).toEqual(await a.rows("meters", METER));
    expect((await b.rows("meters", METER)).map((m) => m.reading)).toEqual([10]);
  });

  it("concurrent edits of one record: the later sync pulls first, then its edit wins on the server", async () => {
    const { userId, a, b } = await twoApps();
    const id = await a.create("memos", { content: "v1", pinned: false, tags: "[]" });
    await a.sync();
    await b.sync();
    await a.update("memos", id, { content: "a's edit" });
    await b.update("memos", id, { pinned: true });
    await a.sync();
    await b.sync();
    await a.sync();

    const expected = await serverMemos(userId);
    // Watermelon keeps the local value of a column changed locally and takes the others pulled.
    expect(expected).toEqual([{ id, content: "a's edit", pinned: true, tags: "[]" }]);
    expect(await a.rows("memos", MEMO)).toEqual(expected);
    expect(await b.rows("memos", MEMO)).toEqual(expected);
  });
});
