// Device JWT verification keeps verified HS256 tokens for their lifetime (device-auth.ts): a token
// accepted once must still be refused once it expires, and once the secret it was signed with is
// replaced, as it would be without that memory.
import { SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";

const config = { SYNC_JWT_SECRET: "device-auth-test-secret-0123456789abcdef", SYNC_JWT_ISSUER: undefined, SYNC_JWT_AUDIENCE: undefined, SYNC_JWKS_URL: undefined };
vi.mock("../env", () => ({ env: () => config }));

const { authenticateDevice } = await import("./device-auth");

async function tokenFor(sub: string, secret: string, expiresAtSeconds: number): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setExpirationTime(expiresAtSeconds).sign(new TextEncoder().encode(secret));
}
const request = (token: string) => new Request("http://x/api/v1/sync/pull", { headers: { authorization: `Bearer ${token}` } });
const refusal = (token: string) => authenticateDevice(request(token)).then(() => "accepted", (error: { code?: string }) => error.code);

afterEach(() => {
  vi.useRealTimers();
  config.SYNC_JWT_SECRET = "device-auth-test-secret-0123456789abcdef";
});

describe("verified tokens", () => {
  it("accepts a token on every request until its exp, then refuses it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = new Date("2026-12-05T10:00:00Z");
    vi.setSystemTime(start);
    const token = await tokenFor("alice", config.SYNC_JWT_SECRET, start.getTime() / 1000 + 60);
    expect(await authenticateDevice(request(token))).toEqual({ userId: "alice", streams: ["user:alice"] });
    expect(await refusal(token)).toBe("accepted");
    vi.setSystemTime(new Date(start.getTime() + 61_000));
    expect(await refusal(token)).toBe("invalid_token");
  });

  it("refuses a token accepted before once the secret is replaced", async () => {
    const token = await tokenFor("bob", config.SYNC_JWT_SECRET, Math.floor(Date.now() / 1000) + 600);
    expect(await refusal(token)).toBe("accepted");
    config.SYNC_JWT_SECRET = "another-secret-0123456789abcdef-0123456789";
    expect(await refusal(token)).toBe("invalid_token");
  });

  it("refuses a token whose signature was altered, also after the genuine one was accepted", async () => {
    const token = await tokenFor("carol", config.SYNC_JWT_SECRET, Math.floor(Date.now() / 1000) + 600);
    expect(await refusal(token)).toBe("accepted");
    const last = token.at(-2) === "A" ? "B" : "A";
    expect(await refusal(`${token.slice(0, -2)}${last}${token.at(-1)}`)).toBe("invalid_token");
  });

  it("derives the same caller on every request of a token, each request its own copy", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = await new SignJWT({ streams: ["team:b", "team:a", "user:dave"] }).setProtectedHeader({ alg: "HS256" }).setSubject("dave")
      .setExpirationTime(exp).sign(new TextEncoder().encode(config.SYNC_JWT_SECRET));
    const first = await authenticateDevice(request(token));
    expect(first).toEqual({ userId: "dave", streams: ["team:a", "team:b", "user:dave"] });
    first.streams.push("team:x");
    expect(await authenticateDevice(request(token))).toEqual({ userId: "dave", streams: ["team:a", "team:b", "user:dave"] });
  });

  it("refuses a token with unusable claims on every request, not only the first", async () => {
    const token = await new SignJWT({ streams: ["not a stream!"] }).setProtectedHeader({ alg: "HS256" }).setSubject("erin")
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600).sign(new TextEncoder().encode(config.SYNC_JWT_SECRET));
    expect(await refusal(token)).toBe("invalid_token");
    expect(await refusal(token)).toBe("invalid_token");
  });
});
