import { describe, expect, it } from "vitest";
import { patternWithin, streamsForKey } from "./key-streams";

describe("webhook streams of a service key", () => {
  it("lie within the key's patterns", () => {
    expect(patternWithin("org:acme", ["org:*"])).toBe(true);
    expect(patternWithin("org:a*", ["org:*"])).toBe(true);
    expect(patternWithin("org:*", ["org:acme"])).toBe(false);
    expect(patternWithin("*", ["org:*"])).toBe(false);
    expect(patternWithin("*", ["*"])).toBe(true);
    expect(patternWithin("user:ada", ["org:*", "user:ada"])).toBe(true);
  });

  it("default to the key's own and refuse others with 403", () => {
    expect(streamsForKey(undefined, ["org:*"])).toEqual(["org:*"]);
    expect(() => streamsForKey(["user:*"], ["org:*"])).toThrow(expect.objectContaining({ code: "forbidden" }));
  });
});
