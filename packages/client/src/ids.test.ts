import { describe, expect, it } from "vitest";
import { jwtSubject, tempId, uuid } from "./ids";

const jwt = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2ln`;

describe("jwtSubject", () => {
  it("reads the sub claim, non-ASCII included, without verifying", () => {
    expect(jwtSubject(jwt({ sub: "alice" }))).toBe("alice");
    expect(jwtSubject(jwt({ sub: "zoë-東京", streams: ["org:x"] }))).toBe("zoë-東京");
  });

  it("answers null for a token without a usable sub", () => {
    expect(jwtSubject(jwt({ sub: 7 }))).toBeNull();
    expect(jwtSubject("not-a-jwt")).toBeNull();
    expect(jwtSubject("a.!!!.c")).toBeNull();
  });
});

describe("ids", () => {
  it("makes v4 UUIDs and tmp- ids, all different", () => {
    const ids = Array.from({ length: 100 }, uuid);
    expect(new Set(ids).size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tempId()).toMatch(/^tmp-/);
  });
});
