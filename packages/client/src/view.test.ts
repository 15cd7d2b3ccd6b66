import { describe, expect, it } from "vitest";
import { applyChanges, overlay } from "./view";
import { keyString, type LocalRecord, type OutboxEntry } from "./types";
import type { TChange } from "./wire";

const key = { stream: "user:u", type: "memo", id: "a" };
const memo = (content: string) => ({ content, tags: [], pinned: false });
const record = (version: number, deleted = false): LocalRecord => ({
  ...key, version, data: memo(`v${version}`), deleted, updated_at: "2026-01-01T00:00:00.000Z",
});
const change = (version: number, op: TChange["op"] = "upsert"): TChange => ({
  seq: version, ...key, op, version, updated_at: "2026-01-02T00:00:00.000Z",
  ...(op === "upsert" ? { data: memo(`c${version}`) } : {}),
});
const known = (r: LocalRecord) => new Map([[keyString(r), r]]);

describe("applyChanges", () => {
  it("applies changes in order and keeps the last state of each record", () => {
    expect(applyChanges([change(1), change(2), change(3, "delete")], new Map())).toEqual([
      { ...key, version: 3, data: memo("c2"), deleted: true, updated_at: "2026-01-02T00:00:00.000Z" },
    ]);
  });

  it("skips a change older than a live record already known (our own push got there first)", () => {
    expect(applyChanges([change(4)], known(record(5)))).toEqual([]);
    expect(applyChanges([change(5)], known(record(5)))).toHaveLength(1);
  });

  it("lets a record start again after its tombstone (compaction purged it, the id was reused)", () => {
    expect(applyChanges([change(1)], known(record(7, true)))).toEqual([
      expect.objectContaining({ version: 1, deleted: false, data: memo("c1") }),
    ]);
  });
});

describe("overlay", () => {
  const edit = (action: OutboxEntry["action"], content?: string): OutboxEntry => ({
    seq: 1, key, action, data: content ? memo(content) : null, base_version: 1, temp_id: null,
    client_version: null, updated_at: "2026-01-03T00:00:00.000Z", bundle_id: null,
  });

  it("shows pending edits on top of the server state", () => {
    expect(overlay(key, record(1), [edit("update", "mine")])).toMatchObject({ data: memo("mine"), version: 1, pending: true });
    expect(overlay(key, record(1), [edit("delete")])).toBeNull();
    expect(overlay(key, record(2, true), [])).toBeNull();
    expect(overlay(key, null, [edit("create", "new")])).toMatchObject({ data: memo("new"), version: 0, pending: true });
  });
});
