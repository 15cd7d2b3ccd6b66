// The TOTP math against the published test vectors (RFC 4226 appendix D, RFC 6238 appendix B)
// and what the login relies on: the drift window, single use, and the enrolment URI.
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, generateTotpSecret, hotp, matchTotp, otpauthUri, totpAt, totpStep } from "./totp";

const ascii = (text: string) => Buffer.from(text, "ascii");
const SHA1_KEY = ascii("12345678901234567890");

describe("HOTP (RFC 4226 appendix D)", () => {
  it("gives the published codes for counters 0 to 9", () => {
    const codes = Array.from({ length: 10 }, (_, counter) => hotp(SHA1_KEY, counter));
    expect(codes).toEqual(["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]);
  });
});

describe("TOTP (RFC 6238 appendix B, 8 digits)", () => {
  const keys = {
    sha1: SHA1_KEY,
    sha256: ascii("12345678901234567890123456789012"),
    sha512: ascii("1234567890123456789012345678901234567890123456789012345678901234"),
  };
  const vectors: Array<[seconds: number, sha1: string, sha256: string, sha512: string]> = [
    [59, "94287082", "46119246", "90693936"],
    [1111111109, "07081804", "68084774", "25091201"],
    [1111111111, "14050471", "67062674", "99943326"],
    [1234567890, "89005924", "91819424", "93441116"],
    [2000000000, "69279037", "90698825", "38618901"],
    [20000000000, "65353130", "77737706", "47863826"],
  ];
  it.each(vectors)("at %i s", (seconds, sha1, sha256, sha512) => {
    const step = totpStep(seconds * 1000);
    expect(hotp(keys.sha1, step, "sha1", 8)).toBe(sha1);
    expect(hotp(keys.sha256, step, "sha256", 8)).toBe(sha256);
    expect(hotp(keys.sha512, step, "sha512", 8)).toBe(sha512);
  });

  it("reads the same secret in base32, as apps are given it", () => {
    const secret = base32Encode(SHA1_KEY);
    expect(secret).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(totpAt(secret, 59_000)).toBe("287082");
    expect(totpAt(secret, 1111111109_000)).toBe("081804");
  });
});

describe("base32 (RFC 4648)", () => {
  it("round-trips and matches the RFC's examples", () => {
    expect(base32Encode(ascii("foobar"))).toBe("MZXW6YTBOI");
    expect(base32Decode("mzxw 6ytb oi======")?.toString("ascii")).toBe("foobar");
    expect(base32Decode("not base32!")).toBeNull();
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
  });
});

describe("matching a typed code", () => {
  const secret = base32Encode(SHA1_KEY);
  const now = 1111111111_000;
  const step = totpStep(now);

  it("accepts the current code and its neighbours, nothing further", () => {
    expect(matchTotp(secret, totpAt(secret, now), now)).toBe(step);
    expect(matchTotp(secret, totpAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, totpAt(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, totpAt(secret, now - 60_000), now)).toBeNull();
    expect(matchTotp(secret, totpAt(secret, now + 60_000), now)).toBeNull();
  });

  it("allows spaces but nothing that is not six digits", () => {
    const code = totpAt(secret, now);
    expect(matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
    expect(matchTotp(secret, `${code}0`, now)).toBeNull();
    expect(matchTotp(secret, "", now)).toBeNull();
    expect(matchTotp(secret, "abcdef", now)).toBeNull();
  });

  it("refuses a code of a step already used", () => {
    const code = totpAt(secret, now);
    expect(matchTotp(secret, code, now, step)).toBeNull();
    expect(matchTotp(secret, code, now, step - 1)).toBe(step);
  });
});

describe("enrolment URI", () => {
  it("names the issuer and account and states the parameters", () => {
    const uri = new URL(otpauthUri("JBSWY3DPEHPK3PXP", "ana@example.test", "Syncdesk"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Syncdesk:ana@example.test");
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: "JBSWY3DPEHPK3PXP", issuer: "Syncdesk", algorithm: "SHA1", digits: "6", period: "30" });
  });
});
