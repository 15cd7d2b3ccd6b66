import { afterEach, describe, expect, it, vi } from "vitest";
import { processSingleton } from "./process-singleton";

declare module "./process-singleton" {
  interface ProcessSingletons {
    testCounter: { count: number };
    testOther: { count: number };
  }
}

afterEach(() => {
  delete globalThis.syncdeskProcessSingletons?.testCounter;
  delete globalThis.syncdeskProcessSingletons?.testOther;
});

describe("processSingleton", () => {
  it("creates the instance once and hands the same one to every caller", () => {
    const create = vi.fn(() => ({ count: 0 }));
    const first = processSingleton("testCounter", create);
    first.count += 1;
    const second = processSingleton("testCounter", create);
    expect(second).toBe(first);
    expect(second.count).toBe(1);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("keeps keys apart", () => {
    const counter = processSingleton("testCounter", () => ({ count: 1 }));
    const other = processSingleton("testOther", () => ({ count: 2 }));
    expect(other).not.toBe(counter);
    expect(other.count).toBe(2);
  });

  it("shares the instance with a second copy of the module, as Next's route chunks load it", async () => {
    const first = processSingleton("testCounter", () => ({ count: 7 }));
    vi.resetModules();
    const copy = await import("./process-singleton");
    expect(copy.processSingleton).not.toBe(processSingleton);
    expect(copy.processSingleton("testCounter", () => ({ count: 0 }))).toBe(first);
  });
});
