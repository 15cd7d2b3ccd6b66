import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { checkPullTokenOwner, openPullToken, signPullToken } from "./tokens";

const secret = "unit-secret-0123456789-0123456789-abcdef";
const position = { u: "alice", d: "dev-1", s: { "user:alice": 5 }, f: null, t: { memo: 1 } };
const future = () => Math.floor(Date.now() / 1000) + 60;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? `${error.code}:${String(error.details?.reason ?? "")}` : "other";
  }
  return undefined;
}

describe("pull tokens", () => {
  it("round-trips a position", () => {
    const token = signPullToken(secret, { ...position, exp: future() });
    expect(openPullToken(secret, token).s).toEqual({ "user:alice": 5 });
  });
  it("refuses a tampered payload, another secret and garbage as invalid_token", () => {
    const token = signPullToken(secret, { ...position, exp: future() });
    const [body, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...position, k: "pull", s: { "user:alice": 0 }, exp: future() })).toString("base64url");
    expect(body).toBeDefined();
    expect(codeOf(() => openPullToken(secret, `${forged}.${sig}`))).toBe("invalid_token:");
    expect(codeOf(() => openPullToken("another-secret-0123456789-0123456789", token))).toBe("invalid_token:");
    expect(codeOf(() => openPullToken(secret, "not-a-token"))).toBe("invalid_token:");
  });
  it("treats another device's token as invalid and an expired one as bootstrap_required", () => {
    const token = openPullToken(secret, signPullToken(secret, { ...position, exp: future() }));
    expect(codeOf(() => checkPullTokenOwner(token, { userId: "alice", deviceId: "dev-2" }))).toBe("invalid_token:");
    const expired = openPullToken(secret, signPullToken(secret, { ...position, exp: 1 }));
    expect(codeOf(() => checkPullTokenOwner(expired, { userId: "alice", deviceId: "dev-1" }))).toBe("bootstrap_required:token_expired");
  });
});
