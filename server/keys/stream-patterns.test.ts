import { describe, expect, it } from "vitest";
import { likePatterns, streamAllowed } from "./stream-patterns";

describe("stream patterns", () => {
  it("matches all, a prefix or one stream exactly", () => {
    expect(streamAllowed(["*"], "user:ada")).toBe(true);
    expect(streamAllowed(["org:*"], "org:acme")).toBe(true);
    expect(streamAllowed(["org:*"], "user:org:acme")).toBe(false);
    expect(streamAllowed(["user:ada"], "user:ada")).toBe(true);
    expect(streamAllowed(["user:ada"], "user:adam")).toBe(false);
    expect(streamAllowed([], "user:ada")).toBe(false);
  });

  it("escapes LIKE's own characters in the literal parts", () => {
    expect(likePatterns(["*", "org:*", "user:a_b", "x%y*"])).toEqual(["%", "org:%", "user:a\\_b", "x\\%y%"]);
  });
});
