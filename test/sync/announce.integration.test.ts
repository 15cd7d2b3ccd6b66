// Announcements after commits: every listener of this process hears each commit at once, and
// other processes (PostgreSQL NOTIFY) hear every stream's newest head, with announcements made
// while a NOTIFY is under way sent together in the next one.
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { LIVE_CHANNEL, subscribe, type Heads } from "@/server/live/hub";
import { announceCommit } from "@/server/sync/announce";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const streams = ["user:a", "user:b", "user:c", "shared:d", "shared:e"];
// 30 commits, six per stream, heads rising per stream.
const commits: Heads[] = Array.from({ length: 30 }, (_, i) => ({ [streams[i % 5] ?? ""]: i + 1 }));
const newest = Object.fromEntries(streams.map((s, k) => [s, 26 + k]));

it("tells local listeners of every commit at once", async () => {
  const heard: Heads[] = [];
  const stop = subscribe(streams, (heads) => heard.push(heads));
  try {
    await Promise.all(commits.map((heads) => announceCommit(db.prisma, heads)));
    expect(heard).toEqual(commits);
  } finally {
    stop();
  }
});

it("sends other instances each stream's newest head, in fewer NOTIFYs than commits", async () => {
  if (!db.url) {
    // The embedded database serves one process: nothing to send, and nothing fails.
    await expect(Promise.all(commits.map((heads) => announceCommit(db.prisma, heads)))).resolves.toHaveLength(commits.length);
    return;
  }
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const payloads: { h: Heads }[] = [];
  listener.on("notification", (n) => payloads.push(JSON.parse(n.payload ?? "{}") as { h: Heads }));
  await listener.query(`LISTEN ${LIVE_CHANNEL}`);
  try {
    await Promise.all(commits.map((heads) => announceCommit(db.prisma, heads)));
    const latest = () => {
      const seen: Heads = {};
      for (const p of payloads) for (const [s, h] of Object.entries(p.h)) seen[s] = Math.max(h, seen[s] ?? 0);
      return seen;
    };
    const deadline = Date.now() + 10_000;
    while (streams.some((s) => latest()[s] !== newest[s]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(latest()).toEqual(newest);
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.length).toBeLessThan(commits.length);
  } finally {
    await listener.end();
  }
});
