// Tokens and identity over real HTTP (PROTOCOL.md "Identity", "Errors", "Pull", "Ack"): sync
// tokens tampered, foreign, expired or compacted; device JWTs missing or invalid; revoked devices.
import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { env } from "@/server/env";
import { openPullToken, signPullToken, type PullPosition } from "@/server/sync/tokens";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { freshToken, memoCreates, pullAll, pullPage, push } from "../support/sync-client";
import { errorOf } from "../support/answers";

const TTL = 120;
process.env.SYNC_TOKEN_TTL_SECONDS = String(TTL);

let server: TestServer;
let alice: TestDevice;

beforeEach(async () => {
  server = await startTestServer();
  alice = await makeDevice(server.url, "alice");
});
afterEach(() => server.close());

const pull = (device: TestDevice, token: string, headers?: Record<string, string>) =>
  device.call("POST", "/api/v1/sync/pull", { token }, headers);
const ack = (device: TestDevice, token: string) => device.call("POST", "/api/v1/sync/ack", { device_id: device.deviceId, token });
const checkpointCount = () => server.db.prisma.deviceCheckpoint.count();

/** The token with some of its payload changed, signed with the server's secret. */
function resign(token: string, patch: Partial<Omit<PullPosition, "k">>): string {
  const { k: _kind, ...position } = openPullToken(env().syncTokenSecret, token);
  return signPullToken(env().syncTokenSecret, { ...position, ...patch });
}

const INVALID = { error: { code: "invalid_token", message: expect.any(String) } };

describe("sync tokens", () => {
  it("refuses a tampered token with 401 invalid_token, on pull and ack, storing nothing", async () => {
    await push(alice, 1, memoCreates(3, "m"));
    const token = await freshToken(alice);
    const [body, sig] = token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...payload, u: "bob" })).toString("base64url");
    const flipped = `${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
    const tampered = [`${forged}.${sig}`, `${body}.${flipped}`, `${body}.`, body, `${token}.x`, "not-a-token"];
    for (const bad of tampered) {
      const pulled = await pull(alice, bad);
      expect(pulled.status).toBe(401);
      expect(pulled.body).toEqual(INVALID);
      expect((await ack(alice, bad)).status).toBe(401);
    }
    expect(await checkpointCount()).toBe(0);
    expect((await pull(alice, token)).status).toBe(200); // the untouched token still works
  });

  it("refuses another user's token and another device's token with 401", async () => {
    const bob = await makeDevice(server.url, "bob");
    const phone = await makeDevice(server.url, "alice"); // alice's second device
    const bobToken = await freshToken(bob);
    const aliceToken = await freshToken(alice);
    const foreign = [
      await pull(alice, bobToken),
      await ack(alice, bobToken),
      await pull(phone, aliceToken, { "x-device-id": phone.deviceId }),
      await ack(phone, aliceToken),
    ];
    for (const [i, answer] of foreign.entries()) {
      expect(answer.status, `case ${i}`).toBe(401);
      expect(answer.body).toEqual(INVALID);
    }
    expect(await checkpointCount()).toBe(0);
    expect((await ack(alice, aliceToken)).status).toBe(200);
  });

  it("answers an expired token with 412 token_expired and the bootstrap url", async () => {
    const token = await freshToken(alice);
    const { exp } = openPullToken(env().syncTokenSecret, token);
    const now = Date.now() / 1000;
    expect(exp).toBeGreaterThan(now + TTL - 10); // SYNC_TOKEN_TTL_SECONDS is honoured
    expect(exp).toBeLessThanOrEqual(now + TTL + 1);

    const expired = resign(token, { exp: Math.floor(now) - 1 });
    for (const answer of [await pull(alice, expired), await ack(alice, expired)]) {
      expect(answer.status).toBe(412);
      expect(errorOf(answer)).toMatchObject({
        code: "bootstrap_required",
        details: { reason: "token_expired", bootstrap_url: "/api/v1/sync/bootstrap" },
      });
    }
    expect(await checkpointCount()).toBe(0);
    const renewed = resign(token, { exp: Math.floor(now) + 60 });
    expect((await pull(alice, renewed)).status).toBe(200);
  });

  it("answers a token issued under a version this server does not run (a config rolled back) with 412 types_changed", async () => {
    const token = await freshToken(alice);
    const stale = resign(token, { t: { ...openPullToken(env().syncTokenSecret, token).t, memo: 2 } });
    for (const answer of [await pull(alice, stale), await ack(alice, stale)]) {
      expect(answer.status).toBe(412);
      expect(errorOf(answer).details).toEqual({ reason: "types_changed", bootstrap_url: "/api/v1/sync/bootstrap" });
    }
    expect((await pull(alice, resign(token, {}))).status).toBe(200);
  });

  it("answers a token older than the stream's compaction point with 412 compacted, on pull and ack", async () => {
    const start = await freshToken(alice);
    for (let b = 1; b <= 4; b++) await push(alice, b, memoCreates(1, `m${b}`));
    const atOne = (await pullPage(alice, start, 1)).token;
    const atTwo = (await pullPage(alice, atOne, 1)).token;
    await server.db.prisma.stream.update({ where: { name: "user:alice" }, data: { compactedUntilSeq: 2n } });

    for (const answer of [await pull(alice, atOne), await ack(alice, atOne), await pull(alice, start)]) {
      expect(answer.status).toBe(412);
      expect(errorOf(answer)).toMatchObject({
        code: "bootstrap_required",
        details: { reason: "compacted", bootstrap_url: "/api/v1/sync/bootstrap" },
      });
    }
    expect(await checkpointCount()).toBe(0);
    const fromTwo = await pullAll(alice, atTwo);
    expect(fromTwo.pages.flatMap((p) => p.changes.map((c) => c.seq))).toEqual([3, 4]);
    expect((await ack(alice, atTwo)).status).toBe(200);
  });
});

describe("device JWTs", () => {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: object, alg = "HS256", secret = TEST_JWT_SECRET) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));

  const calls = (deviceId: string, token: string): [string, string, object?][] => [
    ["POST", "/api/v1/sync/push", { device_id: deviceId, bundle_id: 1, items: memoCreates(1, "m") }],
    ["POST", "/api/v1/sync/bootstrap", { device_id: deviceId }],
    ["POST", "/api/v1/sync/pull", { token }],
    ["GET", `/api/v1/sync/pull?token=${encodeURIComponent(token)}`],
    ["POST", "/api/v1/sync/ack", { device_id: deviceId, token }],
  ];

  async function send(authorization: string | null, method: string, path: string, body?: object) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer: unknown = await response.json();
    return { status: response.status, body: answer };
  }

  it("answers a missing or non-bearer Authorization header with 401 unauthorized", async () => {
    const token = await freshToken(alice);
    for (const header of [null, "", "Basic YWxpY2U6cHc=", "Bearer", `Token ${alice.jwt}`]) {
      for (const [method, path, body] of calls(alice.deviceId, token)) {
        const answer = await send(header, method, path, body);
        expect(answer.status).toBe(401);
        expect(errorOf(answer).code).toBe("unauthorized");
      }
    }
  });

  it("answers every invalid JWT with one identical 401 invalid_token that reveals nothing, storing nothing", async () => {
    const token = await freshToken(alice);
    const [devices, records] = [await server.db.prisma.device.count(), await server.db.prisma.record.count()];
    const claims = { sub: "alice", exp: now() + 3600 };
    const bad = {
      "bad signature": await sign(claims, "HS256", `${TEST_JWT_SECRET}-other`),
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
      "another algorithm": await sign(claims, "HS512"),
      expired: await sign({ sub: "alice", exp: now() - 60 }),
      "not yet valid": await sign({ ...claims, nbf: now() + 3600 }),
      "without exp": await sign({ sub: "alice" }),
      "without sub": await sign({ exp: now() + 3600 }),
      garbage: "abc.def.ghi",
    };
    const bodies = new Set<string>();
    for (const [name, jwt] of Object.entries(bad)) {
      for (const [method, path, body] of calls(alice.deviceId, token)) {
        const answer = await send(`Bearer ${jwt}`, method, path, body);
        expect(answer.status, `${name} on ${method} ${path}`).toBe(401);
        expect(errorOf(answer).code, name).toBe("invalid_token");
        expect(errorOf(answer).message).not.toMatch(/signature|algorithm|\balg\b|nbf|not before|claim|jws|hs\d{3}|none|at /i);
        bodies.add(JSON.stringify(answer.body));
      }
    }
    expect([...bodies]).toHaveLength(1);
    expect(await server.db.prisma.device.count()).toBe(devices);
    expect(await server.db.prisma.record.count()).toBe(records);
    expect((await send(`Bearer ${await sign(claims)}`, "POST", "/api/v1/sync/pull", { token })).status).toBe(200);
  });
});

describe("revoked devices", () => {
  it("answer 403 device_revoked on push, pull, bootstrap and ack, and change nothing", async () => {
    let token = await freshToken(alice);
    await push(alice, 1, memoCreates(2, "m"));
    token = (await pullAll(alice, token)).token;
    await server.db.prisma.device.update({
      where: { userId_deviceId: { userId: "alice", deviceId: alice.deviceId } },
      data: { revokedAt: new Date() },
    });
    const before = [await server.db.prisma.record.count(), await server.db.prisma.syncBatch.count(), await checkpointCount()];

    const answers = [
      await alice.call("POST", "/api/v1/sync/push", { device_id: alice.deviceId, bundle_id: 2, items: memoCreates(1, "x") }),
      await pull(alice, token),
      await alice.call("GET", `/api/v1/sync/pull?token=${encodeURIComponent(token)}`),
      await alice.call("POST", "/api/v1/sync/bootstrap", { device_id: alice.deviceId }),
      await ack(alice, token),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(errorOf(answer).code).toBe("device_revoked");
    }
    expect([await server.db.prisma.record.count(), await server.db.prisma.syncBatch.count(), await checkpointCount()]).toEqual(before);

    const phone = await makeDevice(server.url, "alice"); // the user's other device is unaffected
    expect((await push(phone, 1, memoCreates(1, "p"))).status).toBe("applied");
  });
});
