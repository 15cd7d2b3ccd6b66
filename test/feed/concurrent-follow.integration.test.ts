// INTEGRATION.md: "Following cursors yields every committed change exactly once, in seq order per
// stream, even while commits race." Devices push over HTTP (their own streams and a shared one),
// two backend writers push through the server API, and a follower pages the feed over HTTP the
// whole time with a small limit. At the end the follower has every change the database holds,
// each once, each stream's seqs 1..head in order, each with the source that wrote it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlOf } from "@/server/db/sql";
import { ZServerChangesResponse, type TFeedChange } from "@/server/feed/feed-schemas";
import { createServiceKey } from "@/server/keys/service-keys";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { memoCreates, push } from "../support/sync-client";
import { feedPage } from "./feed-client";

let server: TestServer;
let key: string;
beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createServiceKey(server.db.prisma, { type: "system", id: "test" }, { name: "race", scopes: ["read", "write"], streams: ["*"] }));
});
afterAll(() => server?.close());

const BUNDLES = 8;

async function deviceWriter(user: string): Promise<void> {
  const device = await makeDevice(server.url, user, { streams: ["org:shared"] });
  for (let b = 1; b <= BUNDLES; b++) {
    const items = [...memoCreates(1 + (b % 3), `${user}-${b}`), ...memoCreates(b % 2, `${user}-${b}-s`, "org:shared")];
    await push(device, b, items);
  }
}

async function serverWriter(writer: string, stream: string): Promise<void> {
  for (let b = 1; b <= BUNDLES; b++) {
    const answer = await fetch(`${server.url}/api/v1/server/push`, {
      method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ writer_id: writer, bundle_id: b, items: [...memoCreates(1 + (b % 4), `${writer}-${b}`, stream), ...memoCreates(1, `${writer}-${b}-s`, "org:shared")] }),
    });
    expect(answer.status).toBe(200);
  }
}

/** Pages the feed until `done()` and then until a page says nothing more is committed. */
async function follow(done: () => boolean): Promise<{ changes: TFeedChange[]; readWhileWriting: number }> {
  const changes: TFeedChange[] = [];
  let cursor: string | undefined;
  let readWhileWriting = 0;
  for (;;) {
    const finished = done();
    const answer = await feedPage(server.url, key, { cursor, limit: 5 });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page = ZServerChangesResponse.parse(answer.body);
    expect(page.changes.length).toBeLessThanOrEqual(5);
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!done()) readWhileWriting += page.changes.length;
    if (finished && !page.more) return { changes, readWhileWriting };
  }
}

it("delivers every committed change exactly once, in seq order per stream, to a follower racing the writers", async () => {
  let writing = true;
  const writers = Promise.all([
    ...["ann", "bob", "cid"].map((user) => deviceWriter(user)),
    serverWriter("billing", "org:billing"), serverWriter("crm", "org:crm"),
  ]).finally(() => { writing = false; });
  const [followed] = await Promise.all([follow(() => !writing), writers]);

  const stored = await sqlOf(server.db.prisma)<{ stream: string; seq: string; source: string }>(
    "SELECT stream, seq::text, source FROM changes ORDER BY stream, seq");
  const delivered = followed.changes.map((c) => `${c.stream}#${c.seq}`);
  expect(new Set(delivered).size, "no change twice").toBe(delivered.length);
  expect([...delivered].sort()).toEqual(stored.map((r) => `${r.stream}#${r.seq}`).sort());
  const byStream = new Map<string, number[]>();
  for (const c of followed.changes) byStream.set(c.stream, [...(byStream.get(c.stream) ?? []), c.seq]);
  for (const [stream, seqs] of byStream) expect(seqs, stream).toEqual(seqs.map((_, i) => i + 1));
  const sources = new Map(stored.map((r) => [`${r.stream}#${r.seq}`, r.source]));
  for (const c of followed.changes) expect(`${c.source.kind}:${c.source.id}`).toBe(sources.get(`${c.stream}#${c.seq}`));
  // The race was real: the follower paged while writers were still committing.
  expect(followed.readWhileWriting, "changes read before the writers finished").toBeGreaterThan(0);
  expect(byStream.get("org:shared")?.length).toBe(3 * (BUNDLES / 2) + 2 * BUNDLES);
});
