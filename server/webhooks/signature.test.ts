import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signatureHeader, verifySignature } from "./signature";

describe("webhook signatures", () => {
  it("are t=<seconds>,v1=<hex HMAC-SHA256(secret, t.body)>", () => {
    const header = signatureHeader("whsec_x", '{"a":1}', 1_800_000_000);
    const v1 = createHmac("sha256", "whsec_x").update('1800000000.{"a":1}').digest("hex");
    expect(header).toBe(`t=1800000000,v1=${v1}`);
  });

  it("verify only with the same secret, body and a recent timestamp", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const header = signatureHeader(secret, "body", 1000);
    expect(verifySignature(secret, "body", header, 1100)).toBe(true);
    expect(verifySignature(secret, "body ", header, 1100)).toBe(false);
    expect(verifySignature(generateWebhookSecret(), "body", header, 1100)).toBe(false);
    expect(verifySignature(secret, "body", header, 1000 + 301)).toBe(false);
    expect(verifySignature(secret, "body", "t=1000", 1000)).toBe(false);
  });
});
