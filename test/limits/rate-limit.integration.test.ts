// Rate limits of mobile routes (docs/deployment.md "Limits and abuse protection"): per device and
// per user, 429 `rate_limited` with Retry-After, nothing written by a refused push, and counters
// shared by every instance on one database, claimed in blocks by each (token-bucket.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { enforceRateLimit, type RateLimitConfig } from "@/server/limits/rate-limit";
import { makeDevice, type Answer, type TestDevice } from "../support/device";
import { countRows, expectError, freshBundleId, pushBody, snapshotTables } from "../support/protocol";
import { startTestServer, type TestServer } from "../support/server";
import { setTestEnv } from "./env";
import { errorOf } from "../support/answers";

const restoreEnv = setTestEnv({ RATE_LIMIT_DEVICE_REQUESTS: "3", RATE_LIMIT_USER_REQUESTS: "5", RATE_LIMIT_WINDOW_SECONDS: "60" });
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  restoreEnv();
});

const memo = (content: string) => ({ content, tags: [], pinned: false });
const pushOne = (d: TestDevice, id: string) =>
  d.call("POST", "/api/v1/sync/push", pushBody(d, [{ type: "memo", action: "create", id, data: memo(id) }]));

function expectRateLimited(answer: Answer, scope: "device" | "user") {
  expectError(answer, 429, "rate_limited");
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(errorOf(answer).details).toMatchObject({ scope, retry_after_seconds: retryAfter, window_seconds: 60 });
}

describe("per device and per user", () => {
  it("refuses a device's 4th request in the window with 429 and Retry-After, and stores nothing", async () => {
    const user = `rl-${freshBundleId()}`;
    const d = await makeDevice(server.url, user);
    for (const id of ["a", "b", "c"]) expect((await pushOne(d, id)).status).toBe(200);
    const before = await snapshotTables(server.db.prisma);
    const refused = await pushOne(d, "d");
    expectRateLimited(refused, "device");
    expect(await snapshotTables(server.db.prisma)).toEqual(before);
    expect(await server.db.prisma.record.count({ where: { stream: `user:${user}` } })).toBe(3);
  });

  it("counts the user's devices together, and other users separately", async () => {
    const user = `rl-${freshBundleId()}`;
    const first = await makeDevice(server.url, user);
    const second = await makeDevice(server.url, user);
    for (const id of ["a", "b", "c"]) expect((await pushOne(first, id)).status).toBe(200);
    for (const id of ["d", "e"]) expect((await pushOne(second, id)).status).toBe(200);
    const counts = await countRows(server.db.prisma);
    expectRateLimited(await pushOne(second, "f"), "user");
    expect(await countRows(server.db.prisma)).toEqual(counts);
    // A request without a device (no device_id, no X-Device-Id) still counts for its user.
    expectRateLimited(await first.call("GET", "/api/v1/conflicts"), "user");
    // A new device of that user is refused before it is registered.
    const third = await makeDevice(server.url, user);
    expectRateLimited(await pushOne(third, "g"), "user");
    expect(await server.db.prisma.device.count({ where: { deviceId: third.deviceId } })).toBe(0);
    expect(await countRows(server.db.prisma)).toEqual(counts);
    const stranger = await makeDevice(server.url, `rl-${freshBundleId()}`);
    expect((await pushOne(stranger, "a")).status).toBe(200);
  });

  it("counts malformed requests too (the 4th is refused before validation)", async () => {
    const d = await makeDevice(server.url, `rl-${freshBundleId()}`);
    for (let i = 0; i < 3; i++) {
      expect((await d.call("POST", "/api/v1/sync/push", { device_id: d.deviceId, bundle_id: "x" })).status).toBe(400);
    }
    expectRateLimited(await pushOne(d, "a"), "device");
  });
});

describe("shared between instances", () => {
  let other: Database;
  const config: RateLimitConfig = { windowSeconds: 60, perDevice: 4, perUser: 100 };

  beforeAll(async () => {
    // On PostgreSQL a second instance has its own pool and Prisma client on the same database.
    // The embedded database is one process's by nature: there the same client stands in.
    other = server.db.url ? await openDatabase({ url: server.db.url }) : server.db;
  });
  afterAll(async () => {
    if (other !== server.db) await other.close();
  });

  it("lets two instances together admit only the limit", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "phone" };
    const instances = [server.db.prisma, other.prisma];
    for (let i = 0; i < 4; i++) await enforceRateLimit(instances[i % 2]!, subject, config);
    for (const db of instances) {
      const refused = await enforceRateLimit(db, subject, config).then(() => null, (error: unknown) => error);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe("rate_limited");
      expect((refused as AppError).details).toMatchObject({ scope: "device", limit: 4 });
    }
  });

  it("admits all of 20 concurrent requests under the limit and refuses the rest exactly", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "tablet" };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        enforceRateLimit([server.db.prisma, other.prisma][i % 2]!, subject, { ...config, perDevice: 12 }).then(() => "ok", () => "refused"),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(12);
  });

  it("starts a new window after the old one ends", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "watch" };
    const short: RateLimitConfig = { windowSeconds: 1, perDevice: 1, perUser: 0 };
    await enforceRateLimit(server.db.prisma, subject, short);
    await expect(enforceRateLimit(other.prisma, subject, short)).rejects.toThrow(/Too many requests/);
    await server.db.prisma.$executeRaw`UPDATE rate_limit_counters SET reset_at = now() - interval '1 second' WHERE key LIKE ${`%${subject.userId}%`}`;
    await expect(enforceRateLimit(other.prisma, subject, short)).resolves.toBeUndefined();
  });

  const deviceCount = async (subject: { userId: string; deviceId: string }) => {
    const row = await server.db.prisma.rateLimitCounter.findUnique({ where: { key: `rl:device:${subject.userId}:${subject.deviceId}` } });
    return row?.count ?? 0;
  };
  const outcome = (db: typeof server.db.prisma, subject: { userId: string; deviceId: string }, limits: RateLimitConfig) =>
    enforceRateLimit(db, subject, limits).then(() => "ok" as const, () => "refused" as const);

  it("claims hits from the shared counter in blocks (1% of the limit), counting every admitted request first", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "block" };
    const limits: RateLimitConfig = { windowSeconds: 60, perDevice: 1000, perUser: 0 };
    for (let i = 0; i < 25; i++) expect(await outcome(server.db.prisma, subject, limits)).toBe("ok");
    // Blocks of 10: claimed at the 1st, 11th and 21st request.
    expect(await deviceCount(subject)).toBe(30);
  });

  it("keeps every block a burst of concurrent requests claimed: the window is not spent early", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "burst" };
    const limits: RateLimitConfig = { windowSeconds: 60, perDevice: 1000, perUser: 0 };
    // All 100 find the bucket empty and claim a block of 10 each: the whole window is counted.
    const burst = await Promise.all(Array.from({ length: 100 }, () => outcome(server.db.prisma, subject, limits)));
    expect(burst.every((o) => o === "ok")).toBe(true);
    expect(await deviceCount(subject)).toBe(1000);
    const after: string[] = [];
    for (let i = 0; i < 901; i++) after.push(await outcome(server.db.prisma, subject, limits));
    expect(after.slice(0, 900).every((o) => o === "ok")).toBe(true);
    expect(after[900]).toBe("refused");
  });

  it("lets two instances claiming blocks together admit at most the limit", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "blocks" };
    const limits: RateLimitConfig = { windowSeconds: 60, perDevice: 300, perUser: 0 };
    const outcomes: string[] = [];
    for (let i = 0; i < 400; i++) outcomes.push(await outcome([server.db.prisma, other.prisma][i % 2]!, subject, limits));
    const admitted = outcomes.filter((o) => o === "ok").length;
    // Blocks of 3: at most 2 tokens stay unused in the other instance (token-bucket.ts "Tolerance").
    expect(admitted).toBeLessThanOrEqual(300);
    expect(admitted).toBeGreaterThanOrEqual(298);
  });

  it("reconciles with the shared counter: once other instances spent the window, the next claim is refused", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "reconcile" };
    const limits: RateLimitConfig = { windowSeconds: 60, perDevice: 200, perUser: 0 };
    expect(await outcome(server.db.prisma, subject, limits)).toBe("ok"); // claims 2, keeps 1
    // Elsewhere the rest of the window was spent.
    await server.db.prisma.rateLimitCounter.update({ where: { key: `rl:device:${subject.userId}:${subject.deviceId}` }, data: { count: 200 } });
    expect(await outcome(server.db.prisma, subject, limits)).toBe("ok"); // the token this instance had counted
    const refused = await enforceRateLimit(server.db.prisma, subject, limits).then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).details).toMatchObject({ scope: "device", limit: 200, window_seconds: 60 });
  });

  it("keeps refusing a key flooded to the counter's ceiling, with 429 rather than an overflow", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "flood" };
    const limits: RateLimitConfig = { windowSeconds: 60, perDevice: 10_000, perUser: 0 };
    const key = `rl:device:${subject.userId}:${subject.deviceId}`;
    // A window flooded by refused requests, each of which added a block of 100.
    await server.db.prisma.rateLimitCounter.create({ data: { key, count: 2 ** 31 - 150, resetAt: new Date(Date.now() + 60_000) } });
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) await enforceRateLimit(server.db.prisma, subject, limits).catch((error: unknown) => errors.push(error));
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e instanceof AppError && e.code === "rate_limited")).toBe(true);
    expect(await deviceCount(subject)).toBe(2 ** 31 - 1);
  });

  it("writes nothing when both limits are off", async () => {
    const subject = { userId: `rl-${freshBundleId()}`, deviceId: "off" };
    for (let i = 0; i < 5; i++) await enforceRateLimit(server.db.prisma, subject, { windowSeconds: 60, perDevice: 0, perUser: 0 });
    expect(await server.db.prisma.rateLimitCounter.count({ where: { key: { contains: subject.userId } } })).toBe(0);
  });
});
