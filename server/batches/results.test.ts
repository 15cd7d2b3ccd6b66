import { describe, expect, it } from "vitest";
import type { TItemError } from "@syncdesk/protocol";
import { firstError, latestResults, retriableIndexes } from "./results";

const ok = (index: number, version = 1) => ({ index, client_temp_id: null, id: `r${index}`, status: "ok" as const, version });
const error = (index: number, code: TItemError["code"] = "not_found") => ({ index, client_temp_id: null, id: `r${index}`, status: "error" as const, error: { code, message: code } });
const skipped = (index: number) => ({ index, client_temp_id: null, id: `r${index}`, status: "skipped" as const });
const conflict = (index: number) => ({ ...ok(index), status: "conflict" as const });

describe("latestResults", () => {
  it("takes the push's results, overridden by each later attempt in order", () => {
    const response = { batch_id: "b", results: [ok(0), error(1), error(2)] };
    const attempts = [{ results: [error(1, "invalid_data"), ok(2, 2)] }, { results: [ok(1, 3)] }];
    expect(latestResults(3, response, attempts)).toEqual([ok(0), ok(1, 3), ok(2, 2)]);
  });

  it("leaves items without a result (a crashed push, an unreadable response) as null", () => {
    expect(latestResults(2, {}, [])).toEqual([null, null]);
    expect(latestResults(2, { results: "garbage" }, [{ results: [ok(1)] }])).toEqual([null, ok(1)]);
    expect(latestResults(1, { results: [ok(0), ok(5)] }, [])).toEqual([ok(0)]);
  });
});

describe("retriableIndexes", () => {
  const latest = [ok(0), error(1), conflict(2), skipped(3), null];
  it("retries errors and missing results of a partial batch, never conflicts", () => {
    expect(retriableIndexes("partial", latest)).toEqual([1, 4]);
  });
  it("retries every item not applied of an atomic batch", () => {
    expect(retriableIndexes("atomic", latest)).toEqual([1, 2, 3, 4]);
    expect(retriableIndexes("atomic", [ok(0), ok(1)])).toEqual([]);
  });
});

describe("firstError", () => {
  it("names the first failed item's error, or null", () => {
    expect(firstError([ok(0), error(1, "unknown_type"), error(2)])).toEqual({ code: "unknown_type", message: "unknown_type" });
    expect(firstError([ok(0), conflict(1)])).toBeNull();
  });
});
