// Seeded properties: FC_SEED=<n> replays a failure (FC_SEED=random explores), FUZZ_SCALE=10 runs longer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzBudget, fuzzParameters, fuzzSeed } from "../../test/hardening/support/fuzz-config";
import { jsonEqual } from "../sync/canonical";
import type { RecordData } from "../sync/records";
import { mergeFieldsByRules, type FieldMerge, type FieldMergeInput } from "./field-rules";

const params = fuzzParameters(fuzzSeed(), fuzzBudget(300));
const early = new Date("2026-01-01T00:00:00Z");
const late = new Date("2026-01-02T00:00:00Z");

/** One field `f` under `merge`; undefined means the field is absent on that side. */
function mergeOne(merge: FieldMerge, base: unknown, server: unknown, client: unknown, extra: Partial<FieldMergeInput> = {}) {
  const wrap = (v: unknown): RecordData => (v === undefined ? {} : { f: v });
  const input = { rules: { f: { merge } }, into: { other: 1, ...wrap(server) }, base: base === null ? null : wrap(base) };
  const result = mergeFieldsByRules({ ...input, server: wrap(server), client: wrap(client), clientUpdatedAt: early, serverUpdatedAt: early, ...extra });
  expect(result.data.other).toBe(1);
  return { value: result.data.f, has: "f" in result.data, manual: result.manual };
}

describe("mergeFieldsByRules, by example", () => {
  it("lww: the side that changed the field wins; both changed: the later updated_at, a tie to the server", () => {
    expect(mergeOne("lww", 1, 1, 2).value).toBe(2);
    expect(mergeOne("lww", 1, 3, 1, { clientUpdatedAt: late }).value).toBe(3);
    expect(mergeOne("lww", 1, 3, 2).value).toBe(3);
    expect(mergeOne("lww", 1, 3, 2, { clientUpdatedAt: late }).value).toBe(2);
    expect(mergeOne("lww", null, 3, 2, { clientUpdatedAt: null }).value).toBe(3);
  });
  it("max / min: the larger / smaller number; a number beats absent or null", () => {
    expect(mergeOne("max", 1, 5, 7).value).toBe(7);
    expect(mergeOne("min", 1, 5, 7).value).toBe(5);
    expect(mergeOne("max", null, undefined, 4).value).toBe(4);
    expect(mergeOne("min", null, null, 4).value).toBe(4);
  });
  it("counter: concurrent increments add up; without base it is left to a person", () => {
    expect(mergeOne("counter", 10, 12, 15).value).toBe(17);
    expect(mergeOne("counter", 10, 11, 11).value).toBe(12);
    expect(mergeOne("counter", undefined, 1, 2).value).toBe(3);
    expect(mergeOne("counter", 10, 12, 10).value).toBe(12);
    expect(mergeOne("counter", null, 12, 15)).toEqual({ value: 12, has: true, manual: ["f"] });
    expect(mergeOne("counter", 10, 12, "x")).toEqual({ value: 12, has: true, manual: ["f"] });
  });
  it("union: keeps additions of both sides and removals of either, server's order first", () => {
    expect(mergeOne("union", ["a", "b", "c"], ["a", "c", "d"], ["b", "c", "a", "e"]).value).toEqual(["a", "c", "d", "e"]);
    expect(mergeOne("union", null, ["a"], ["b", "a"]).value).toEqual(["a", "b"]);
    expect(mergeOne("union", ["a"], undefined, ["a", "b"]).value).toEqual(["b"]);
    expect(mergeOne("union", [{ k: 1 }], [{ k: 1 }], [{ k: 1 }, { k: 2 }]).value).toEqual([{ k: 1 }, { k: 2 }]);
    expect(mergeOne("union", [], ["a"], "not a list").manual).toEqual(["f"]);
  });
  it("server / client: that side wins, including removing the field", () => {
    expect(mergeOne("server", 1, 2, 3).value).toBe(2);
    expect(mergeOne("client", 1, 2, undefined).has).toBe(false);
  });
  it("manual: one side's change is taken, both sides' different changes go to a person", () => {
    expect(mergeOne("manual", 1, 1, 2)).toEqual({ value: 2, has: true, manual: [] });
    expect(mergeOne("manual", 1, 3, 2)).toEqual({ value: 3, has: true, manual: ["f"] });
    expect(mergeOne("manual", 1, 3, 3).manual).toEqual([]);
    expect(mergeOne("manual", null, 3, 2).manual).toEqual(["f"]);
  });
  it("a field absent on both sides stays absent, whatever the rule", () => {
    for (const merge of ["lww", "max", "min", "counter", "union", "server", "client", "manual"] as const) {
      expect(mergeOne(merge, [1], undefined, undefined)).toEqual({ value: undefined, has: false, manual: [] });
    }
  });
  it("leaves fields without a merge rule as the policy decided them", () => {
    const result = mergeFieldsByRules({ rules: { n: { merge: "max" }, s: { immutable: true } }, into: { s: "policy" }, base: {}, server: { n: 1, s: "server" }, client: { n: 2, s: "client" }, clientUpdatedAt: null, serverUpdatedAt: early });
    expect(result).toEqual({ data: { s: "policy", n: 2 }, manual: [] });
  });
});

describe("mergeFieldsByRules, properties", () => {
  const int = fc.integer({ min: -1_000_000, max: 1_000_000 });

  it("counter never loses an increment of two concurrent writers", () => {
    fc.assert(fc.property(int, int, int, (base, a, b) => {
      expect(mergeOne("counter", base, base + a, base + b)).toEqual({ value: base + a + b, has: true, manual: [] });
    }), params);
  });

  it("counter sums every device's increments when devices read, increment and push in any order", () => {
    const step = fc.record({ device: fc.nat(3), kind: fc.constantFrom("read", "add", "push"), delta: fc.integer({ min: -50, max: 50 }) });
    fc.assert(fc.property(int, fc.array(step, { maxLength: 40 }), (start, steps) => {
      let server = start;
      let total = start;
      const devices = Array.from({ length: 4 }, () => ({ base: start, local: start }));
      const push = (d: { base: number; local: number }) => {
        const merged = mergeOne("counter", d.base, server, d.local);
        expect(merged.manual).toEqual([]);
        server = merged.value as number;
        d.base = d.local = server;
      };
      for (const { device, kind, delta } of steps) {
        const d = devices[device]!;
        // A read rebases the device's pending increments onto the server's current value.
        if (kind === "read") [d.base, d.local] = [server, server + (d.local - d.base)];
        if (kind === "push") push(d);
        if (kind === "add") {
          d.local += delta;
          total += delta;
        }
      }
      devices.forEach(push);
      expect(server).toBe(total);
    }), params);
  });

  it("union keeps every addition, never resurrects a removal, never duplicates", () => {
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 8 });
    const edit = (base: number[]) => fc.tuple(fc.subarray(base), set).map(([kept, added]) => [...new Set([...kept, ...added])]);
    const scenario = set.chain((base) => fc.tuple(fc.constant(base), edit(base), edit(base)));
    fc.assert(fc.property(scenario, ([base, server, client]) => {
      const merged = mergeOne("union", base, server, client).value as number[];
      expect(new Set(merged).size).toBe(merged.length);
      for (const x of [...server, ...client]) if (!base.includes(x)) expect(merged).toContain(x);
      for (const x of base) expect(merged.includes(x)).toBe(server.includes(x) && client.includes(x));
      expect(merged.filter((x) => server.includes(x))).toEqual(server.filter((x) => merged.includes(x)));
    }), params);
  });

  it("max and min are commutative and idempotent, and never below / above either number", () => {
    const value = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined });
    fc.assert(fc.property(fc.constantFrom<FieldMerge>("max", "min"), value, value, value, (merge, base, a, b) => {
      const ab = mergeOne(merge, base, a, b).value;
      expect(jsonEqual(ab, mergeOne(merge, base, b, a).value)).toBe(true);
      expect(jsonEqual(mergeOne(merge, base, a, a).value, a)).toBe(true);
      for (const side of [a, b]) if (side !== undefined) expect(merge === "max" ? (ab as number) >= side : (ab as number) <= side).toBe(true);
    }), params);
  });
});
