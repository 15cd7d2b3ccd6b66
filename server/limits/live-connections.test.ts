import { describe, expect, it } from "vitest";
import { admitLiveConnection, liveConnectionCount } from "./live-connections";

describe("live connections per device", () => {
  it("ends the oldest beyond the limit, in order, and releases exactly once", () => {
    const ended: number[] = [];
    const releases: Array<() => void> = [];
    for (let i = 0; i < 5; i++) {
      let release = () => {};
      release = admitLiveConnection("phone", 2, () => {
        ended.push(i);
        release();
      });
      releases.push(() => release());
    }
    expect(ended).toEqual([0, 1, 2]);
    expect(liveConnectionCount("phone")).toBe(2);
    releases[0]?.(); // already ended: changes nothing
    expect(liveConnectionCount("phone")).toBe(2);
    releases[3]?.();
    releases[4]?.();
    expect(liveConnectionCount("phone")).toBe(0);
  });

  it("counts devices separately and 0 means no limit", () => {
    const ended: string[] = [];
    for (let i = 0; i < 4; i++) admitLiveConnection("tablet", 0, () => ended.push("tablet"));
    admitLiveConnection("watch", 1, () => ended.push("watch"));
    expect(ended).toEqual([]);
    expect(liveConnectionCount("tablet")).toBe(4);
    expect(liveConnectionCount("watch")).toBe(1);
  });
});
