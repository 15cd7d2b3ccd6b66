// Request timeouts (docs/deployment.md "Limits and abuse protection"): a body that does not
// arrive in time answers 408 `request_timeout` and stores nothing; database work over its bound
// (PostgreSQL statement_timeout, a transaction's timeout) answers 503 `unavailable` with
// Retry-After, never a hang or a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/server/db/client";
import { errorResponse } from "@/server/http/route";
import { makeDevice } from "../support/device";
import { countRows, freshBundleId, pushBody } from "../support/protocol";
import { startTestServer, type TestServer } from "../support/server";
import { setTestEnv } from "./env";
import { sendHalf } from "./stalled-body";

const restoreEnv = setTestEnv({ REQUEST_BODY_TIMEOUT_SECONDS: "1" });
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  restoreEnv();
});

async function expectTimeoutAnswer(error: unknown) {
  const answer = errorResponse(error);
  expect(answer.status).toBe(503);
  expect(answer.headers.get("retry-after")).toBe("5");
  expect(await answer.json()).toEqual({
    error: { code: "unavailable", message: "The database took too long to answer; retry later", details: { reason: "timeout", retry_after_seconds: 5 } },
  });
}

describe("request timeouts", () => {
  it("answers 408 request_timeout to a body that stalls, and stores nothing", async () => {
    const device = await makeDevice(server.url, `slow-${freshBundleId()}`);
    const body = JSON.stringify(pushBody(device, [{ type: "memo", action: "create", id: "m", data: { content: "x".repeat(2000), tags: [], pinned: false } }]));
    const before = await countRows(server.db.prisma);
    const answer = await sendHalf(server.url, device.jwt, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(408);
    expect(answer.headers.connection).toBe("close");
    expect(answer.body).toEqual({ error: { code: "request_timeout", message: "The request body did not arrive within 1 s", details: { timeout_seconds: 1 } } });
    expect(await countRows(server.db.prisma)).toEqual(before);
    // The same body sent whole is accepted: the bound is on time, not on the request.
    expect((await device.call("POST", "/api/v1/sync/push", body)).status).toBe(200);
  });

  it("answers 503 unavailable with Retry-After when a transaction outlives its timeout", async () => {
    const error = await server.db.prisma
      .$transaction(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        await tx.$queryRaw`SELECT 1 AS one`;
      }, { timeout: 50 })
      .then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    await expectTimeoutAnswer(error);
  });

  it("answers 503 unavailable when a statement outlives the statement timeout (PostgreSQL; the embedded engine has only transaction timeouts)", async () => {
    if (!server.db.url) {
      // PGlite runs statements in this process and cannot cancel them: the transaction bound is
      // what applies there (previous test). Prove the option is inert rather than broken.
      await expect(server.db.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.05)`).resolves.toBeDefined();
      return;
    }
    const bounded = await openDatabase({ url: server.db.url, statementTimeoutMs: 200 });
    try {
      const error = await bounded.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(2)`.then(() => null, (e: unknown) => e);
      expect(error).not.toBeNull();
      await expectTimeoutAnswer(error);
      // Quick statements are untouched by the bound.
      await expect(bounded.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.01)`).resolves.toBeDefined();
    } finally {
      await bounded.close();
    }
  });

  it("answers 503 unavailable when no pooled connection frees up in time (PostgreSQL)", async () => {
    if (!server.db.url) {
      // The embedded database is one connection shared in process: there is no pool to wait on.
      expect(server.db.pool).toBeUndefined();
      return;
    }
    const bounded = await openDatabase({ url: server.db.url, statementTimeoutMs: 300 });
    const pool = bounded.pool;
    if (!pool) throw new Error("a PostgreSQL database has a pool");
    const held = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
    try {
      const error = await bounded.prisma.$queryRaw`SELECT 1 AS one`.then(() => null, (e: unknown) => e);
      expect(error).not.toBeNull();
      await expectTimeoutAnswer(error);
    } finally {
      held.forEach((client) => client.release());
      await bounded.close();
    }
  });

  it("still answers 500 (not a timeout) to other database errors", async () => {
    const error = await server.db.prisma.$queryRaw`SELECT 1/0 AS boom`.then(() => null, (e: unknown) => e);
    const answer = errorResponse(error);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ error: { code: "internal", message: "Internal error" } });
  });
});
