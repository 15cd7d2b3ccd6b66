import { describe, expect, it } from "vitest";
import { publishLocally, receiveAnnouncement, subscribe, subscribeAll } from "./hub";

describe("live hub", () => {
  it("tells stream subscribers about their streams only, and the console about every stream", () => {
    const mine: Record<string, number>[] = [];
    const all: Record<string, number>[] = [];
    const stopMine = subscribe(["user:a"], (heads) => mine.push(heads));
    const stopAll = subscribeAll((heads) => all.push(heads));
    publishLocally({ "user:a": 3, "user:b": 7 });
    receiveAnnouncement(JSON.stringify({ i: "another-instance", h: { "user:b": 8 } }));
    expect(mine).toEqual([{ "user:a": 3 }]);
    expect(all).toEqual([{ "user:a": 3, "user:b": 7 }, { "user:b": 8 }]);
    stopMine();
    stopAll();
    publishLocally({ "user:a": 4 });
    expect(mine).toHaveLength(1);
    expect(all).toHaveLength(2);
  });
});
