// The record browser and a record's history, as a support person uses them: filters, keyset paging
// without gaps or duplicates, each version's source and field diff, and what compaction removed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveConflict } from "@/server/conflicts/resolve";
import { configureTestEnv, connectDevice, createStaffAs, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getRecordOrThrow } from "@/server/records/get";
import { listRecords, type RecordFilters } from "@/server/records/list";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

async function keys(filters: RecordFilters) {
  const { records } = await listRecords(db.prisma, filters, { limit: 50 });
  return records.map((r) => `${r.stream}/${r.type}/${r.id}`);
}

describe("listRecords", () => {
  it("filters by user (own and shared streams), stream, type, id prefix, field value and deletion", async () => {
    const alice = await connectDevice(db.prisma, "alice", { streams: ["org:acme"] });
    const bob = await connectDevice(db.prisma, "bob");
    await pushAs(db.prisma, alice, 1, [
      { type: "memo", id: "m-1", action: "create", data: { content: "milk", tags: ["shop"], pinned: true } },
      { type: "memo", id: "m-2", action: "create", data: memo("42") },
      { type: "memo", id: "x_1", action: "create", data: memo("underscore") },
      { type: "diary", id: "d-1", action: "create", data: { date: "2026-01-01", mood: "ok", summary: "s" } },
      { type: "memo", id: "shared", stream: "org:acme", action: "create", data: memo("team") },
    ]);
    await pushAs(db.prisma, bob, 1, [{ type: "memo", id: "m-1", action: "create", data: memo("bob's") }]);
    await pushAs(db.prisma, alice, 2, [{ type: "memo", id: "m-2", action: "delete", base_version: 1 }]);

    expect(await keys({ userId: "alice" })).toEqual([
      "org:acme/memo/shared", "user:alice/diary/d-1", "user:alice/memo/m-1", "user:alice/memo/m-2", "user:alice/memo/x_1",
    ]);
    expect(await keys({ userId: "bob" })).toEqual(["user:bob/memo/m-1"]);
    expect(await keys({ userId: "nobody" })).toEqual([]);
    expect(await keys({ userId: "bob", stream: "user:alice" })).toEqual([]);
    expect(await keys({ stream: "user:alice", type: "memo" })).toEqual(["user:alice/memo/m-1", "user:alice/memo/m-2", "user:alice/memo/x_1"]);
    expect(await keys({ id: "m-1" })).toEqual(["user:alice/memo/m-1", "user:bob/memo/m-1"]);
    // `_` is a letter, not LIKE's any-character.
    expect(await keys({ id: "x_" })).toEqual(["user:alice/memo/x_1"]);
    expect(await keys({ id: "m_" })).toEqual([]);
    expect(await keys({ field: { name: "pinned", value: "true" } })).toEqual(["user:alice/memo/m-1"]);
    expect(await keys({ field: { name: "content", value: "milk" } })).toEqual(["user:alice/memo/m-1"]);
    // "42" is both the text and the number: the memo's content is the text.
    expect(await keys({ field: { name: "content", value: "42" } })).toEqual(["user:alice/memo/m-2"]);
    expect(await keys({ field: { name: "content", value: "mil" } })).toEqual([]);
    expect(await keys({ deleted: true })).toEqual(["user:alice/memo/m-2"]);
    expect(await keys({ userId: "alice", deleted: false, type: "memo" })).toEqual(["org:acme/memo/shared", "user:alice/memo/m-1", "user:alice/memo/x_1"]);
  });

  it("pages by key without gaps or duplicates, and refuses a forged cursor", async () => {
    const phone = await connectDevice(db.prisma, "carol");
    const ids = Array.from({ length: 7 }, (_, i) => `r${i}`);
    await pushAs(db.prisma, phone, 1, ids.map((id) => ({ type: "memo", id, action: "create" as const, data: memo(id) })));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listRecords(db.prisma, { userId: "carol" }, { limit: 3, cursor });
      seen.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    await expect(listRecords(db.prisma, {}, { limit: 3, cursor: "forged" })).rejects.toMatchObject({ code: "invalid_request" });
    await expect(listRecords(db.prisma, {}, { limit: 3, cursor: Buffer.from("[1,2,3]").toString("base64url") })).rejects.toMatchObject({ code: "invalid_request" });
    const nul = Buffer.from(JSON.stringify(["user:carol", "memo", "r\u0000"])).toString("base64url");
    await expect(listRecords(db.prisma, {}, { limit: 3, cursor: nul })).rejects.toMatchObject({ code: "invalid_request" });
  });
});

describe("listRecords by a field value past the key-ordered scan", () => {
  // More records in the scope than the browser tests one by one (server/records/list.ts reads
  // 500) before the field's index takes over: the rare value's matches sit before and after that
  // point, the common value fills pages from the scan alone.
  const COUNT = 1100;
  const rareAt = new Set([3, 520, 777, 1099]);

  async function pageAll(filters: RecordFilters, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRecords(db.prisma, filters, { limit, cursor });
      seen.push(...page.records.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  }

  it("finds exactly the matching records, page by page, without gaps or duplicates", async () => {
    const phone = await connectDevice(db.prisma, "dana");
    const other = await connectDevice(db.prisma, "erin");
    const id = (i: number) => `n${String(i).padStart(4, "0")}`;
    const tags = (i: number) => (rareAt.has(i) ? ["rare"] : i === 600 ? ["rare", "extra"] : []);
    for (let start = 0; start < COUNT; start += 500) {
      const items = Array.from({ length: Math.min(500, COUNT - start) }, (_, k) => start + k).map((i) => ({
        type: "memo", id: id(i), action: "create" as const, data: { content: `n${i}`, tags: tags(i), pinned: i % 2 === 0 },
      }));
      await pushAs(db.prisma, phone, start / 500 + 1, items);
    }
    // The same rare value elsewhere must not leak into dana's results.
    await pushAs(db.prisma, other, 1, [{ type: "memo", id: "e1", action: "create", data: { content: "e", tags: ["rare"], pinned: true } }]);

    const rare = [...rareAt].map(id);
    // An array is matched exactly: ["rare", "extra"] contains ["rare"] but is not equal to it.
    expect(await pageAll({ userId: "dana", field: { name: "tags", value: '["rare"]' } }, 2)).toEqual(rare);
    expect(await pageAll({ stream: "user:dana", field: { name: "tags", value: '["rare"]' } }, 50)).toEqual(rare);
    expect(await pageAll({ field: { name: "tags", value: '["rare"]' } }, 3)).toEqual([...rare, "e1"]);
    expect(await pageAll({ userId: "dana", field: { name: "content", value: "n777" } }, 50)).toEqual(["n0777"]);
    expect(await pageAll({ userId: "dana", field: { name: "content", value: "n1100" } }, 50)).toEqual([]);
    const even = Array.from({ length: COUNT / 2 }, (_, k) => id(k * 2));
    expect(await pageAll({ userId: "dana", field: { name: "pinned", value: "true" } }, 200)).toEqual(even);
  }, 120_000);
});

describe("getRecordOrThrow", () => {
  it("shows current data, open conflicts and each version's source and diff, newest first", async () => {
    const phone = await connectDevice(db.prisma, "dana", { deviceId: "dana-phone" });
    const tablet = await connectDevice(db.prisma, "dana", { deviceId: "dana-tablet" });
    await pushAs(db.prisma, phone, 1, [{ type: "meter", id: "kitchen", action: "create", data: { code: "K1", reading: 10, unit: "kWh" } }]);
    await pushAs(db.prisma, phone, 2, [{ type: "meter", id: "kitchen", action: "update", base_version: 1, data: { code: "K1", reading: 12, unit: "kWh" } }]);
    // A stale edit from the tablet: the manual policy stores a conflict; a person resolves it.
    await pushAs(db.prisma, tablet, 1, [{ type: "meter", id: "kitchen", action: "update", base_version: 1, data: { code: "K1", reading: 11, unit: "MWh" } }]);
    const key = { stream: "user:dana", type: "meter", id: "kitchen" };
    let record = await getRecordOrThrow(db.prisma, key, { limit: 50 });
    expect(record.openConflicts).toHaveLength(1);
    expect(record.ownerId).toBe("dana");

    const staff = await createStaffAs(db.prisma, "support");
    const conflictId = record.openConflicts[0]?.id ?? "";
    await resolveConflict(db.prisma, { type: "staff", id: staff.id }, "all", conflictId, { resolution: "accept_client" });
    record = await getRecordOrThrow(db.prisma, key, { limit: 50 });
    expect(record).toMatchObject({ version: 3, deleted: false, data: { code: "K1", reading: 11, unit: "MWh" }, openConflicts: [] });
    expect(record.checksum).toMatch(/^sha256:/);
    const [v3, v2, v1] = record.history.versions;
    expect(record.history.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(v3?.source).toMatchObject({ kind: "resolution", conflictId, resolution: "accept_client", staff: { id: staff.id, email: staff.email } });
    expect(v3?.diff).toEqual([
      { field: "reading", change: "changed", before: 12, after: 11 },
      { field: "unit", change: "changed", before: "kWh", after: "MWh" },
    ]);
    expect(v2?.source).toMatchObject({ kind: "device", deviceId: "dana-phone", userId: "dana", bundleId: 2, deviceRef: phone.deviceRef });
    expect(v2?.diff).toEqual([{ field: "reading", change: "changed", before: 10, after: 12 }]);
    expect(v1?.diff?.map((d) => d.change)).toEqual(["added", "added", "added"]);
    expect(record.history.compaction).toEqual({ compactedUntilSeq: 0, cut: false, firstLoggedVersion: 1 });

    // Paging the history: the oldest shown still has its diff (the extra row read is its base).
    const newest = await getRecordOrThrow(db.prisma, key, { limit: 2 });
    expect(newest.history.versions.map((v) => v.version)).toEqual([3, 2]);
    expect(newest.history.versions[1]?.diff).toHaveLength(1);
    expect(newest.history.olderBefore).toBe(2);
    const older = await getRecordOrThrow(db.prisma, key, { limit: 2, beforeVersion: 2 });
    expect(older.history.versions.map((v) => v.version)).toEqual([1]);
    expect(older.history.olderBefore).toBeNull();
  });

  it("says where compaction cut the history, and 404s an unknown record", async () => {
    const phone = await connectDevice(db.prisma, "erin");
    await pushAs(db.prisma, phone, 1, [{ type: "memo", id: "m", action: "create", data: memo("one") }]);
    await pushAs(db.prisma, phone, 2, [{ type: "memo", id: "m", action: "update", base_version: 1, data: memo("two") }]);
    await pushAs(db.prisma, phone, 3, [{ type: "memo", id: "m", action: "update", base_version: 2, data: memo("three") }]);
    // What compaction does to the log: every change up to the point is deleted.
    await db.prisma.change.deleteMany({ where: { stream: "user:erin", seq: { lte: 2 } } });
    await db.prisma.stream.update({ where: { name: "user:erin" }, data: { compactedUntilSeq: 2 } });
    const key = { stream: "user:erin", type: "memo", id: "m" };
    const record = await getRecordOrThrow(db.prisma, key, { limit: 50 });
    expect(record.history.versions.map((v) => [v.version, v.diff])).toEqual([[3, null]]);
    expect(record.history.compaction).toEqual({ compactedUntilSeq: 2, cut: true, firstLoggedVersion: 3 });

    await db.prisma.change.deleteMany({ where: { stream: "user:erin" } });
    const bare = await getRecordOrThrow(db.prisma, key, { limit: 50 });
    expect(bare.history).toMatchObject({ versions: [], compaction: { cut: true, firstLoggedVersion: null } });
    await expect(getRecordOrThrow(db.prisma, { ...key, id: "nope" }, { limit: 50 })).rejects.toMatchObject({ code: "not_found" });
  });
});
