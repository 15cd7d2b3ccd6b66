import { describe, expect, it } from "vitest";
import { patternWithin } from "./pattern-within";

describe("patternWithin", () => {
  it("keeps a feed's stream patterns inside the key's", () => {
    expect(patternWithin(["*"], "*")).toBe(true);
    expect(patternWithin(["*"], "org:*")).toBe(true);
    expect(patternWithin(["org:*"], "org:acme")).toBe(true);
    expect(patternWithin(["org:*"], "org:ac*")).toBe(true);
    expect(patternWithin(["org:*"], "org:*")).toBe(true);
    expect(patternWithin(["org:acme"], "org:acme")).toBe(true);
  });

  it("refuses anything wider or elsewhere", () => {
    expect(patternWithin(["org:*"], "*")).toBe(false);
    expect(patternWithin(["org:acme"], "org:*")).toBe(false);
    expect(patternWithin(["org:acme"], "org:acme*")).toBe(false);
    expect(patternWithin(["org:ac*"], "org:*")).toBe(false);
    expect(patternWithin(["org:*"], "user:ann")).toBe(false);
    expect(patternWithin(["org:*"], "orga:*")).toBe(false);
  });
});
