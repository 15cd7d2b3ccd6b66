import { describe, expect, it } from "vitest";
import { settleBundle, type SettleInput } from "./settle";
import type { Inflight, LocalRecord, OutboxEntry } from "./types";
import type { TPushResult } from "./wire";

const memo = (content: string) => ({ content, tags: [], pinned: false });
const key = (id: string) => ({ stream: "user:u", type: "memo", id });
const at = "2026-01-01T00:00:00.000Z";
const entry = (seq: number, id: string, action: OutboxEntry["action"], extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
  seq, key: key(id), action, data: action === "delete" ? null : memo(`${id}@${seq}`),
  base_version: 1, temp_id: null, client_version: null, updated_at: at, bundle_id: null, ...extra,
});
const inflight = (...seqs: number[]): Inflight => ({ bundle_id: 5, body: "{}", seqs });
const response = (results: Omit<TPushResult, "index">[]) => ({
  batch_id: "b", bundle_id: 5, status: "partial" as const, processed_at: at,
  results: results.map((r, index) => ({ ...r, index })),
});
let n = 0;
const settle = (input: Omit<SettleInput, "now" | "newId">) => settleBundle({ ...input, now: at, newId: () => `local-${n++}` });

describe("settleBundle", () => {
  it("maps a temp id to the server id, locally and in the edit waiting on it", () => {
    const create = entry(1, "tmp-x", "create", { temp_id: "tmp-x", base_version: 0, bundle_id: 5 });
    const waiting = entry(2, "tmp-x", "update", { base_version: null });
    const s = settle({
      outbox: [create, waiting], inflight: inflight(1), records: new Map(),
      response: response([{ client_temp_id: "tmp-x", id: "srv-1", status: "ok", version: 1 }]),
    });
    expect(s.tempIds).toEqual({ "tmp-x": "srv-1" });
    expect(s.write.outboxRemove).toEqual([1]);
    expect(s.write.outboxPut).toEqual([{ ...waiting, key: key("srv-1"), base_version: 1 }]);
    expect(s.write.records).toEqual([{ ...key("srv-1"), version: 1, data: memo("tmp-x@1"), deleted: false, updated_at: at }]);
    expect(s.events[0]).toEqual({ kind: "mapped", temp_id: "tmp-x", key: key("srv-1") });
  });

  it("keeps a conflict for the app and leaves the waiting edit on the old base", () => {
    const update = entry(1, "a", "update", { base_version: 2, bundle_id: 5 });
    const waiting = entry(2, "a", "update", { base_version: null });
    const conflict = {
      policy: "manual" as const, conflict_id: "c-1", fields: ["content"], base_version: 2, server_version: 4,
      server_data: memo("theirs"), client_data: memo("a@1"), deleted: false,
    };
    const s = settle({
      outbox: [update, waiting], inflight: inflight(1), records: new Map(),
      response: response([{ client_temp_id: null, id: "a", status: "conflict", version: 4, conflict }]),
    });
    expect(s.write.conflictsPut).toEqual([expect.objectContaining({ id: "c-1", kind: "stored", key: key("a"), local_data: memo("a@1"), detail: conflict })]);
    expect(s.write.outboxPut).toEqual([{ ...waiting, base_version: 2 }]);
    expect(s.write.records).toEqual([expect.objectContaining({ id: "a", version: 4, data: memo("theirs") })]);
  });

  it("does not go back to an older version than one already known", () => {
    const known: LocalRecord = { ...key("a"), version: 9, data: memo("newer"), deleted: false, updated_at: at };
    const s = settle({
      outbox: [entry(1, "a", "update", { bundle_id: 5 })], inflight: inflight(1),
      records: new Map([["user:u\u0000memo\u0000a", known]]),
      response: response([{ client_temp_id: null, id: "a", status: "ok", version: 7 }]),
    });
    expect(s.write.records).toEqual([]);
  });

  it("rejects a failed temp create together with the edit waiting on it", () => {
    const create = entry(1, "tmp-y", "create", { temp_id: "tmp-y", bundle_id: 5 });
    const waiting = entry(2, "tmp-y", "update", { base_version: null });
    const s = settle({
      outbox: [create, waiting], inflight: inflight(1), records: new Map(),
      response: response([{ client_temp_id: "tmp-y", id: null, status: "error", error: { code: "invalid_data", message: "bad" } }]),
    });
    expect(s.write.outboxRemove?.sort()).toEqual([1, 2]);
    expect(s.write.conflictsPut?.map((c) => [c.kind, c.error?.code])).toEqual([["rejected", "invalid_data"], ["rejected", "create_failed"]]);
  });

  it("takes no data from a merged outcome (the pull brings the merged record) but bases on its version", () => {
    const waiting = entry(2, "a", "update", { base_version: null });
    const merged = {
      policy: "merge" as const, resolution: "merged" as const, fields: ["content"], base_version: 1, server_version: 2,
      server_data: memo("s"), client_data: memo("c"), deleted: false,
    };
    const s = settle({
      outbox: [entry(1, "a", "update", { bundle_id: 5 }), waiting], inflight: inflight(1), records: new Map(),
      response: response([{ client_temp_id: null, id: "a", status: "ok", version: 3, conflict: merged }]),
    });
    expect(s.write.records).toEqual([]);
    expect(s.write.outboxPut).toEqual([{ ...waiting, base_version: 3 }]);
  });
});
