// Device JWTs verified against a JWKS URL (RS256), as apps with their own identity provider use.
import { createServer, type Server } from "node:http";
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDeviceJwt } from "@/server/http/dev-token";
import { startTestServer, TEST_JWT_SECRET, type TestServer } from "../support/server";
import { errorOf } from "../support/answers";

let server: TestServer;
let jwks: Server;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  jwks = createServer((_, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const address = jwks.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.env.SYNC_JWKS_URL = `http://127.0.0.1:${port}/jwks.json`;
  process.env.SYNC_JWT_ISSUER = "https://auth.example.test";
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

function rs256(key: CryptoKey, claims: { sub: string; iss?: string }) {
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setSubject(claims.sub)
    .setIssuer(claims.iss ?? "https://auth.example.test")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key);
}

async function bootstrap(jwt: string) {
  const response = await fetch(`${server.url}/api/v1/sync/bootstrap`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: JSON.stringify({ device_id: randomUUID() }),
  });
  const body: unknown = await response.json();
  return { status: response.status, body };
}

describe("JWKS verification", () => {
  it("accepts an RS256 token signed by a key in the JWKS with the configured issuer", async () => {
    const answer = await bootstrap(await rs256(signingKey, { sub: "alice" }));
    expect(answer.status).toBe(200);
    expect(await server.db.prisma.device.count({ where: { userId: "alice" } })).toBe(1);
  });

  it("refuses a key outside the JWKS, a wrong issuer, and an HS256 token (algorithm confusion)", async () => {
    const refused = [
      await rs256(strangerKey, { sub: "mallory" }),
      await rs256(signingKey, { sub: "mallory", iss: "https://evil.example.test" }),
      await mintDeviceJwt({ userId: "mallory", secret: TEST_JWT_SECRET, issuer: "https://auth.example.test" }),
    ];
    for (const jwt of refused) {
      const answer = await bootstrap(jwt);
      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe("invalid_token");
    }
    expect(await server.db.prisma.device.count({ where: { userId: "mallory" } })).toBe(0);
  });
});
