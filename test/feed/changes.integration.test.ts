// GET /api/v1/server/changes over real HTTP on both engines (INTEGRATION.md section 2): every
// change once, in seq order per stream, with its source; pages of `limit` that split a bundle only
// when it alone is larger; the key's streams (403 outside); signed cursors bound to their filters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceKey } from "@/server/keys/service-keys";
import { ZServerChangesResponse } from "@/server/feed/feed-schemas";
import { errorOf, invalidFieldsOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { memoCreates, push } from "../support/sync-client";
import { feedPage, followAll, seqsOf } from "./feed-client";

let server: TestServer;
let ann: TestDevice;
let reader: string;
const admin = { type: "staff" as const, id: "admin-1" };
const newKey = async (name: string, streams: string[], scopes: ("read" | "write")[] = ["read", "write"]) =>
  (await createServiceKey(server.db.prisma, admin, { name, scopes, streams })).key;

const serverPush = async (key: string, bundle: number, items: unknown[]) => {
  const answer = await fetch(`${server.url}/api/v1/server/push`, {
    method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ writer_id: "billing", bundle_id: bundle, items }),
  });
  expect(answer.status).toBe(200);
};

beforeAll(async () => {
  server = await startTestServer();
  ann = await makeDevice(server.url, "ann", { streams: ["org:acme"] });
  reader = await newKey("reader", ["*"]);
  await push(ann, 1, memoCreates(3, "own")); // user:ann 1-3
  await push(ann, 2, memoCreates(2, "acme", "org:acme")); // org:acme 1-2
  await serverPush(reader, 1, [{ type: "memo", stream: "org:acme", action: "create", data: { content: "from billing", tags: [], pinned: false } }]); // org:acme 3
});
afterAll(() => server?.close());

describe("the change feed", () => {
  it("delivers every change once in seq order per stream, each with its source, and waits at the last cursor for news", async () => {
    const all = await followAll(server.url, reader, undefined, 2);
    expect(seqsOf(all.changes)).toEqual(["user:ann#1", "user:ann#2", "user:ann#3", "org:acme#1", "org:acme#2", "org:acme#3"]);
    expect(all.changes.map((c) => c.source)).toEqual([
      ...Array(5).fill({ kind: "device", id: ann.deviceId }), { kind: "server", id: "billing" },
    ]);
    expect(all.changes[0]).toMatchObject({ type: "memo", id: "own-0", op: "upsert", version: 1, data: { content: "own 0" } });

    const idle = ZServerChangesResponse.parse((await feedPage(server.url, reader, { cursor: all.cursor })).body);
    expect([idle.changes, idle.more]).toEqual([[], false]);
    await push(ann, 3, memoCreates(1, "later"));
    const news = await followAll(server.url, reader, idle.cursor);
    expect(seqsOf(news.changes)).toEqual(["user:ann#4"]);
  });

  it("keeps a bundle whole on a page unless it alone exceeds the limit, then resumes inside it", async () => {
    const key = await newKey("pager", ["org:pages"]);
    await serverPush(key, 10, memoCreates(5, "big", "org:pages")); // 1-5, one event
    await serverPush(key, 11, memoCreates(2, "small", "org:pages")); // 6-7
    await serverPush(key, 12, memoCreates(2, "last", "org:pages")); // 8-9
    const sizes: number[] = [];
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let more = true; more;) {
      const page = ZServerChangesResponse.parse((await feedPage(server.url, key, { cursor, limit: 3 })).body);
      sizes.push(page.changes.length);
      seen.push(...seqsOf(page.changes));
      ({ cursor, more } = page);
    }
    // 5 > 3: split 3 + 2; the rest of it and 6-7 would be 4: the small bundle waits; 6-7 and 8-9 do not fit together.
    expect(sizes).toEqual([3, 2, 2, 2]);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => `org:pages#${s}`));
  });

  it("reads only the key's streams; asking outside them is 403, a read scope is required", async () => {
    const acme = await newKey("acme-only", ["org:acme"], ["read"]);
    expect(new Set((await followAll(server.url, acme)).changes.map((c) => c.stream))).toEqual(new Set(["org:acme"]));
    for (const streams of ["org:*", "user:ann", "*"]) {
      const answer = await feedPage(server.url, acme, { streams });
      expect([answer.status, errorOf(answer).code], streams).toEqual([403, "forbidden"]);
    }
    const writer = await newKey("write-only", ["*"], ["write"]);
    expect(errorOf(await feedPage(server.url, writer)).code).toBe("forbidden");
    expect((await feedPage(server.url, "sdk_unknown")).status).toBe(401);

    const filtered = await followAll(server.url, reader, undefined, undefined, { streams: "org:*", types: "memo" });
    expect(seqsOf(filtered.changes).slice(0, 3)).toEqual(["org:acme#1", "org:acme#2", "org:acme#3"]);
    expect(filtered.changes.every((c) => c.stream.startsWith("org:"))).toBe(true);
    const none = await followAll(server.url, reader, undefined, undefined, { types: "meter" });
    expect(none.changes).toEqual([]);
  });

  it("refuses a tampered cursor (401) and a cursor followed with other filters (400)", async () => {
    const { cursor } = await followAll(server.url, reader, undefined, undefined, { streams: "org:acme" });
    const [body, mac] = cursor.split(".");
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body ?? "", "base64url").toString()), a: 0 })).toString("base64url")}.${mac}`;
    const tampered = await feedPage(server.url, reader, { cursor: forged });
    expect([tampered.status, errorOf(tampered).code]).toEqual([401, "invalid_token"]);
    const other = await feedPage(server.url, reader, { cursor, streams: "org:*" });
    expect([other.status, invalidFieldsOf(other).map((f) => f.field)]).toEqual([400, ["streams"]]);
    expect((await feedPage(server.url, reader, { cursor, streams: "org:acme" })).status).toBe(200);
  });
});
