import { describe, expect, it } from "vitest";
import { buildBundle, queueEdit, requeue, type Edit } from "./outbox";
import type { LocalRecord, OutboxEntry } from "./types";

const key = (id: string) => ({ stream: "user:u", type: "memo", id });
const memo = (content: string) => ({ content, tags: [], pinned: false });
const base = (id: string, version: number, deleted = false): LocalRecord => ({
  ...key(id), version, data: memo("server"), deleted, updated_at: "2026-01-01T00:00:00.000Z",
});
const edit = (id: string, action: Edit["action"], content?: string, temp = false): Edit => ({
  key: key(id), action, data: content === undefined ? null : memo(content),
  temp_id: temp ? id : null, client_version: null, updated_at: `2026-01-01T00:00:0${content?.length ?? 0}.000Z`,
});

/** Applies edits one after another the way the client does; returns the outbox. */
function queue(edits: Edit[], records: Record<string, LocalRecord> = {}, start: OutboxEntry[] = []): OutboxEntry[] {
  let outbox = [...start];
  let seq = Math.max(99, ...start.map((e) => e.seq)) + 1;
  for (const e of edits) {
    const change = queueEdit(outbox, records[e.key.id] ?? null, e, seq++);
    outbox = outbox.filter((x) => !change.remove.includes(x.seq) && !change.put.some((p) => p.seq === x.seq));
    outbox = [...outbox, ...change.put].sort((a, b) => a.seq - b.seq);
  }
  return outbox;
}

describe("queueEdit", () => {
  it("bases an update on the record's known server version", () => {
    const [entry] = queue([edit("a", "update", "x")], { a: base("a", 3) });
    expect(entry).toMatchObject({ action: "update", base_version: 3, bundle_id: null, data: memo("x") });
  });

  it("folds edits of one record into one pending edit that keeps its place", () => {
    const outbox = queue([edit("a", "update", "1"), edit("b", "update", "2"), edit("a", "update", "333")], {
      a: base("a", 3), b: base("b", 7),
    });
    expect(outbox.map((e) => [e.key.id, e.seq, e.base_version, e.data])).toEqual([
      ["a", 100, 3, memo("333")],
      ["b", 101, 7, memo("2")],
    ]);
  });

  it("keeps a temp-id create a create through later updates, and drops it on delete", () => {
    const updated = queue([edit("tmp-1", "create", "a", true), edit("tmp-1", "update", "bb")]);
    expect(updated).toEqual([expect.objectContaining({ action: "create", temp_id: "tmp-1", data: memo("bb"), base_version: 0 })]);
    expect(queue([edit("tmp-1", "create", "a", true), edit("tmp-1", "delete")])).toEqual([]);
  });

  it("turns update then delete into a delete from the same base", () => {
    const outbox = queue([edit("a", "update", "1"), edit("a", "delete")], { a: base("a", 4) });
    expect(outbox).toEqual([expect.objectContaining({ action: "delete", base_version: 4, data: null })]);
  });

  it("makes an edit of a record whose edit is in flight wait on it (base null)", () => {
    const inFlight: OutboxEntry = { ...queue([edit("a", "update", "1")], { a: base("a", 2) })[0]!, bundle_id: 9 };
    const outbox = queue([edit("a", "update", "22")], { a: base("a", 2) }, [inFlight]);
    expect(outbox.map((e) => [e.seq, e.bundle_id, e.base_version])).toEqual([[100, 9, 2], [101, null, null]]);
  });

  it("refuses an update of a record that is neither known nor pending", () => {
    expect(() => queue([edit("a", "update", "1")])).toThrow(/no such record/);
    expect(() => queue([edit("a", "update", "1")], { a: base("a", 2, true) })).toThrow(/no such record/);
  });
});

describe("buildBundle", () => {
  const outbox = queue(
    [edit("tmp-1", "create", "new", true), edit("a", "update", "x"), edit("b", "delete")],
    { a: base("a", 3), b: base("b", 5) },
  );

  it("sends pending edits in the order they were made, temp creates without an id", () => {
    const bundle = buildBundle(outbox, { deviceId: "d", bundleId: 7 });
    expect(bundle?.seqs).toEqual([100, 101, 102]);
    expect(JSON.parse(bundle?.body ?? "")).toEqual({
      device_id: "d", bundle_id: 7, mode: "partial",
      items: [
        { type: "memo", stream: "user:u", action: "create", client_temp_id: "tmp-1", data: memo("new"), updated_at: expect.any(String) },
        { type: "memo", stream: "user:u", action: "update", id: "a", data: memo("x"), base_version: 3, updated_at: expect.any(String) },
        { type: "memo", stream: "user:u", action: "delete", id: "b", base_version: 5, updated_at: expect.any(String) },
      ],
    });
  });

  it("stops at the item and byte limits, and skips edits in flight or waiting", () => {
    expect(buildBundle(outbox, { deviceId: "d", bundleId: 1, maxItems: 2 })?.seqs).toEqual([100, 101]);
    expect(buildBundle(outbox, { deviceId: "d", bundleId: 1, maxBytes: 250 })?.seqs).toEqual([100]);
    const busy = outbox.map((e, i) => (i === 0 ? { ...e, bundle_id: 3 } : i === 1 ? { ...e, base_version: null } : e));
    expect(buildBundle(busy, { deviceId: "d", bundleId: 1 })?.seqs).toEqual([102]);
    expect(buildBundle([], { deviceId: "d", bundleId: 1 })).toBeNull();
  });
});

describe("requeue", () => {
  it("puts refused edits back and folds the edits that waited on them", () => {
    const sent = queue([edit("a", "update", "1"), edit("b", "update", "2")], { a: base("a", 3), b: base("b", 1) })
      .map((e) => ({ ...e, bundle_id: 4 }));
    const outbox = queue([edit("a", "update", "later")], { a: base("a", 3) }, sent);
    const change = requeue(outbox, [100, 101]);
    expect(change.remove).toEqual([102]);
    expect(change.put.map((e) => [e.seq, e.bundle_id, e.base_version, e.data])).toEqual([
      [100, null, 3, memo("later")],
      [101, null, 1, memo("2")],
    ]);
  });
});

describe("buildBundle with recovered edits", () => {
  it("sends recovered edits in bundles of their own, marked recovered", () => {
    const outbox = queue([edit("a", "create", "a")]);
    const lost: OutboxEntry = { ...outbox[0]!, seq: 200, key: key("lost"), recovered: true };
    const first = buildBundle([...outbox, lost], { deviceId: "d", bundleId: 1 });
    expect(JSON.parse(first?.body ?? "{}")).not.toHaveProperty("recovered");
    expect(first?.seqs).toEqual([outbox[0]?.seq]);
    const second = buildBundle([{ ...outbox[0]!, bundle_id: 1 }, lost], { deviceId: "d", bundleId: 2 });
    expect(JSON.parse(second?.body ?? "{}")).toMatchObject({ recovered: true, items: [{ id: "lost" }] });
  });
});
