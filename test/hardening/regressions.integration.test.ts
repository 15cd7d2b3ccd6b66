// Bugs the fuzz suite and the authorization matrix found, kept as plain regression tests.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOBILE_ROUTES } from "@/server/http/mobile-routes";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { sendRaw } from "./support/raw-http";
import { diffState, snapshotState } from "./support/state";

let server: TestServer;
let device: TestDevice;
beforeAll(async () => {
  server = await startTestServer();
  device = await makeDevice(server.url, "regress");
});
afterAll(async () => {
  await server?.close();
});

describe("found by the fuzz suite", () => {
  it("an over-long X-Device-Id on the upload offset and blob download routes is a 400 the route documents", async () => {
    const before = await snapshotState(server.db.prisma);
    for (const [id, target] of [["uploadStatus", "/api/v1/uploads/00000000-0000-4000-8000-000000000000"], ["downloadBlob", "/api/v1/blobs/b_AAAAAAAAAAAAAAAAAAAAAA"]] as const) {
      const answer = await sendRaw(server.url, { method: "GET", target, headers: { authorization: `Bearer ${device.jwt}`, "x-device-id": "d".repeat(201) } });
      expect(answer.status, answer.text).toBe(400);
      expect((answer.json as { error: { code: string } }).error.code).toBe("invalid_request");
      expect(MOBILE_ROUTES.find((r) => r.id === id)?.errors).toContain("invalid_request");
    }
    const diff = diffState(before, await snapshotState(server.db.prisma));
    expect(diff, diff.join("; ")).toEqual([]);
  });
});

describe("found by the authorization matrix", () => {
  it("a validly signed token with an empty sub or a bad stream says which claim; a forged one says nothing", async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: object, secret: string) => new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
    const emptySub = await sign({ sub: "", exp: now + 600 }, TEST_JWT_SECRET);
    const badStreams = await sign({ sub: "regress", streams: ["NOT A STREAM"], exp: now + 600 }, TEST_JWT_SECRET);
    const forged = await sign({ sub: "regress", exp: now + 600 }, `${TEST_JWT_SECRET}-forged`);
    const texts: string[] = [];
    for (const jwt of [emptySub, badStreams, forged]) {
      const answer = await sendRaw(server.url, { method: "GET", target: "/api/v1/sync/digest", headers: { authorization: `Bearer ${jwt}` } });
      expect(answer.status).toBe(401);
      texts.push(answer.text);
    }
    expect(JSON.parse(texts[0] ?? "")).toMatchObject({ error: { code: "invalid_token", details: { fields: [{ field: "sub" }] } } });
    expect(JSON.parse(texts[1] ?? "")).toMatchObject({ error: { code: "invalid_token", details: { fields: [{ field: "streams.0", message: "not a stream name" }] } } });
    // Only the issuer can sign: a bad signature learns nothing about the claims.
    expect(texts[2]).toBe('{"error":{"code":"invalid_token","message":"The access token is invalid or expired"}}');
  });
});
