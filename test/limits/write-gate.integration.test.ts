// The write gate (server/limits/write-gate.ts; docs/deployment.md "Memory"): at most
// PUSH_CONCURRENCY pushes do their work at once, the others wait their turn and then apply; a
// client still sending its body holds no place; a wait longer than DB_STATEMENT_TIMEOUT_SECONDS
// answers 503 `unavailable` and stores nothing. Here with one place, on both engines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeGate } from "@/server/limits/write-gate";
import { makeDevice, type TestDevice } from "../support/device";
import { freshBundleId, push, pushBody, pushItems } from "../support/protocol";
import { startTestServer, type TestServer } from "../support/server";
import { setTestEnv } from "./env";
import { sendHalf } from "./stalled-body";

const restoreEnv = setTestEnv({ PUSH_CONCURRENCY: "1", DB_STATEMENT_TIMEOUT_SECONDS: "5", REQUEST_BODY_TIMEOUT_SECONDS: "3" });
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  restoreEnv();
});

const memo = (content: string) => ({ content, tags: [], pinned: false });
const created = (id: string) => ({ type: "memo", action: "create" as const, id, data: memo(id) });

/** A push of one record whose client stalls halfway through its body; resolves with the status. */
async function stalledPush(device: TestDevice): Promise<number> {
  return (await sendHalf(server.url, device.jwt, JSON.stringify(pushBody(device, [created("stalled")])))).status;
}

/** Keeps the next push of `device` busy inside its place until `release` (a lock its write waits for). */
async function blockWritesOf(device: TestDevice): Promise<{ release: () => Promise<void> }> {
  const stream = `user:${device.userId}`;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const holding = new Promise<void>((resolve) => (locked = resolve));
  // The embedded database runs one transaction at a time: holding one open blocks every write.
  // On PostgreSQL the stream's head row is what a push of that stream locks first.
  const done = server.db.prisma.$transaction(async (tx) => {
    await tx.$queryRawUnsafe("SELECT name FROM streams WHERE name = $1 FOR UPDATE", stream);
    locked();
    await released;
  }, { timeout: 20_000, maxWait: 20_000 });
  await holding;
  return { release: async () => { release(); await done; } };
}

describe("write gate (PUSH_CONCURRENCY=1)", () => {
  it("applies concurrent pushes one at a time, every one of them, and gives every place back", async () => {
    const devices = await Promise.all(Array.from({ length: 12 }, (_, i) => makeDevice(server.url, `gate-${i}-${freshBundleId()}`)));
    const answers = await Promise.all(devices.map((device, i) => push(device, [created(`g${i}-a`), created(`g${i}-b`)])));
    expect(answers.map((a) => [a.status, a.results.map((r) => r.status)])).toEqual(devices.map(() => ["applied", ["ok", "ok"]]));
    const stored = await server.db.prisma.record.count({ where: { stream: { in: devices.map((d) => `user:${d.userId}`) } } });
    expect(stored).toBe(24);
    expect([writeGate().working, writeGate().waiting]).toEqual([0, 0]);
  });

  it("gives no place to a client still sending its body", async () => {
    const slow = await makeDevice(server.url, `gate-slow-${freshBundleId()}`);
    const other = await makeDevice(server.url, `gate-other-${freshBundleId()}`);
    let stalledAnswered = false;
    const stalled = stalledPush(slow).finally(() => (stalledAnswered = true));
    await new Promise((resolve) => setTimeout(resolve, 200)); // its headers and half its body are in
    const answer = await push(other, [created("while-stalled")]);
    expect(answer.status).toBe("applied");
    expect(stalledAnswered).toBe(false); // applied while the slow one still had its body to send
    expect(await stalled).toBe(408);
  });

  it("answers 503 unavailable to a push that waited longer than the bound, and stores nothing of it", async () => {
    const first = await makeDevice(server.url, `gate-first-${freshBundleId()}`);
    const second = await makeDevice(server.url, `gate-second-${freshBundleId()}`);
    await push(first, [created("exists")]); // its stream's head row exists to be locked
    const blocked = await blockWritesOf(first);
    const firstAnswer = pushItems(first, [created("held")]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first push holds the one place
    const refused = await pushItems(second, [created("refused")]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(refused.body).toEqual({
      error: {
        code: "unavailable", message: "Too many writes are in progress; none finished within 5 s. Retry later",
        details: { reason: "timeout", retry_after_seconds: 5 },
      },
    });
    await blocked.release();
    expect((await firstAnswer).status).toBe(200);
    expect(await server.db.prisma.syncBatch.count({ where: { userId: second.userId } })).toBe(0);
    expect(await server.db.prisma.record.count({ where: { stream: `user:${second.userId}` } })).toBe(0);
    // The place came back: the refused push, sent again, applies.
    expect((await push(second, [created("refused")])).status).toBe("applied");
  });
});
