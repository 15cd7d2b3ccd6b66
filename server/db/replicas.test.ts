import { describe, expect, it } from "vitest";
import { candidatesOf, markDown, REPLICA_COOL_DOWN_MS } from "./replicas";

const replica = (name: string) => ({ name, downUntil: 0, replayed: 0n });

describe("choosing replicas", () => {
  it("starts one further each time (round robin)", () => {
    const set = { replicas: [replica("a"), replica("b"), replica("c")], next: 0 };
    const firsts = [0, 1, 2, 3].map(() => candidatesOf(set, 0).map((r) => r.name).join(""));
    expect(firsts).toEqual(["abc", "bca", "cab", "abc"]);
  });

  it("leaves a failed replica out for the cool-down, forgetting how far it had replayed", () => {
    const set = { replicas: [replica("a"), replica("b")], next: 0 };
    const [a] = set.replicas;
    if (!a) throw new Error("no replica");
    a.replayed = 42n;
    markDown(a, 1_000);
    expect(a.replayed).toBe(0n);
    expect(candidatesOf(set, 1_000 + REPLICA_COOL_DOWN_MS - 1).map((r) => r.name)).toEqual(["b"]);
    expect(candidatesOf(set, 1_000 + REPLICA_COOL_DOWN_MS).map((r) => r.name).sort()).toEqual(["a", "b"]);
  });
});
