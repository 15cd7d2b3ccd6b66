// The change feed's outbox and sequencer (server/feed/sequence.ts): every committed bundle leaves
// one event per stream it advanced, numbered only after commit, so a follower that reads by
// position while writers and the sequencer race sees every event once, in seq order per stream.
import { afterEach, beforeEach, expect, it } from "vitest";
import { sqlOf } from "@/server/db/sql";
import { sequenceFeed } from "@/server/feed/sequence";
import { commitBundle } from "@/server/sync/commit-bundle";
import { commitRecordChange } from "@/server/sync/records";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.close();
});

type Event = { position: string | null; stream: string; from_seq: string; to_seq: string; source_kind: string; source_id: string };
const events = () => sqlOf(db.prisma)<Event>(
  "SELECT position::text, stream, from_seq::text, to_seq::text, source_kind, source_id FROM feed_events ORDER BY id");

/** Writes `count` memos to each of `streams` in one bundle by staff `who`. */
function writeMemos(streams: string[], count: number, who = "t", fail = false) {
  return commitBundle(db.prisma, "restore", async (tx) => {
    const bundle = await tx.open(streams, { batchId: null, source: { kind: "staff", id: who } });
    for (const stream of streams) {
      for (let i = 0; i < count; i++) {
        const id = `${who}-${i}-${Math.random().toString(36).slice(2)}`;
        commitRecordChange(bundle, { stream, type: "memo", id }, null, { op: "upsert", data: { content: id, tags: [], pinned: false }, updatedAt: new Date() });
      }
    }
    if (fail) throw new Error("work failed");
  });
}

it("writes one unnumbered event per advanced stream with its seq range and source, and none for a rolled-back bundle", async () => {
  await writeMemos(["user:a", "user:b"], 2, "ann");
  await writeMemos(["user:a"], 3, "bob");
  await expect(writeMemos(["user:a"], 1, "cid", true)).rejects.toThrow("work failed");
  expect(await events()).toEqual([
    { position: null, stream: "user:a", from_seq: "1", to_seq: "2", source_kind: "staff", source_id: "ann" },
    { position: null, stream: "user:b", from_seq: "1", to_seq: "2", source_kind: "staff", source_id: "ann" },
    { position: null, stream: "user:a", from_seq: "3", to_seq: "5", source_kind: "staff", source_id: "bob" },
  ]);
  const sources = await sqlOf(db.prisma)<{ source: string }>("SELECT DISTINCT source FROM changes ORDER BY source");
  expect(sources.map((s) => s.source)).toEqual(["staff:ann", "staff:bob"]);

  expect(await sequenceFeed(db.prisma)).toBe(3);
  expect((await events()).map((e) => e.position)).toEqual(["1", "2", "3"]);
  await writeMemos(["user:b"], 1, "dee");
  expect(await sequenceFeed(db.prisma)).toBe(1);
  expect(await sequenceFeed(db.prisma)).toBe(0);
  expect((await events()).map((e) => e.position)).toEqual(["1", "2", "3", "4"]);
});

it("lets a follower reading by position see every event once, in seq order per stream, while writers and sequencers race", async () => {
  const streams = ["user:s1", "user:s2", "user:s3"];
  const writers = 6;
  const bundlesPerWriter = 15;
  let writing = true;
  const seen: Event[] = [];
  let cursor = 0n;
  const follow = async () => {
    await sequenceFeed(db.prisma);
    const page = await sqlOf(db.prisma)<Event>(
      `SELECT position::text, stream, from_seq::text, to_seq::text, source_kind, source_id FROM feed_events
       WHERE position > $1::bigint ORDER BY feed_events.position LIMIT 7`, [cursor.toString()]);
    for (const event of page) {
      seen.push(event);
      cursor = BigInt(event.position ?? "0");
    }
    return page.length;
  };
  const followers = (async () => {
    while (writing) await Promise.all([follow(), sequenceFeed(db.prisma)]);
    while ((await follow()) > 0);
  })();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let b = 0; b < bundlesPerWriter; b++) {
      const pick = streams.filter((_, i) => (w + b + i) % 2 === 0);
      await writeMemos(pick.length > 0 ? pick : streams, 1 + ((w + b) % 3), `w${w}`);
    }
  }));
  writing = false;
  await followers;

  const all = await events();
  expect(seen).toHaveLength(all.length);
  expect(new Set(seen.map((e) => e.position)).size).toBe(all.length);
  for (const stream of streams) {
    const ranges = seen.filter((e) => e.stream === stream);
    const head = await sqlOf(db.prisma)<{ head: string }>("SELECT head_seq::text AS head FROM streams WHERE name = $1", [stream]);
    let next = 1n;
    for (const range of ranges) {
      expect(BigInt(range.from_seq)).toBe(next);
      next = BigInt(range.to_seq) + 1n;
    }
    expect(next - 1n).toBe(BigInt(head[0]?.head ?? "-1"));
  }
});
