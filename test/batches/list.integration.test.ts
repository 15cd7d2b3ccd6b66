// The console's batch list and batch page: filters by status, device, user and time; keyset paging
// without gaps or duplicates; the raw request, stored results and attempts of one batch.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTestEnv, connectDevice, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getBatchOrThrow } from "@/server/batches/get";
import { listBatches, type BatchFilters } from "@/server/batches/list";
import { getOverviewStats } from "@/server/overview/stats";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const HOUR = 3600_000;
const base = new Date("2026-11-20T12:00:00.000Z");
const at = (hoursAgo: number) => new Date(base.getTime() - hoursAgo * HOUR);

async function createdAt(id: string, when: Date) {
  await db.prisma.syncBatch.update({ where: { id }, data: { createdAt: when } });
}

async function bundles(filters: BatchFilters) {
  const { batches } = await listBatches(db.prisma, filters, { limit: 50 });
  return batches.map((b) => `${b.deviceId}#${b.bundleId}`);
}

describe("listBatches", () => {
  it("filters by status, device, user and time", async () => {
    const phone = await connectDevice(db.prisma, "alice", { deviceId: "phone", platform: "ios" });
    const tablet = await connectDevice(db.prisma, "bob", { deviceId: "tablet" });
    const applied = await pushAs(db.prisma, phone, 1, [{ type: "memo", id: "a", action: "create", data: memo("a") }]);
    const partial = await pushAs(db.prisma, phone, 2, [
      { type: "memo", id: "b", action: "create", data: memo("b") },
      { type: "memo", id: "nope", action: "update", base_version: 1, data: memo("x") },
    ]);
    const rejected = await pushAs(db.prisma, tablet, 1, [{ type: "nosuchtype", id: "c", action: "create", data: {} }]);
    const crashed = await pushAs(db.prisma, tablet, 2, [{ type: "memo", id: "d", action: "create", data: memo("d") }]);
    expect([applied.status, partial.status, rejected.status]).toEqual(["applied", "partial", "rejected"]);
    // "failed" marks a push that crashed; the engine never answers it, so the test sets it.
    await db.prisma.syncBatch.update({ where: { id: crashed.batch_id }, data: { status: "failed" } });
    await createdAt(applied.batch_id, at(3));
    await createdAt(partial.batch_id, at(2));
    await createdAt(rejected.batch_id, at(1));
    await createdAt(crashed.batch_id, at(0));

    expect(await bundles({})).toEqual(["tablet#2", "tablet#1", "phone#2", "phone#1"]);
    expect(await bundles({ status: "applied" })).toEqual(["phone#1"]);
    expect(await bundles({ status: "partial" })).toEqual(["phone#2"]);
    expect(await bundles({ status: "rejected" })).toEqual(["tablet#1"]);
    expect(await bundles({ status: "failed" })).toEqual(["tablet#2"]);
    expect(await bundles({ deviceId: "phone" })).toEqual(["phone#2", "phone#1"]);
    expect(await bundles({ deviceRef: tablet.deviceRef })).toEqual(["tablet#2", "tablet#1"]);
    expect(await bundles({ userId: "bob" })).toEqual(["tablet#2", "tablet#1"]);
    expect(await bundles({ from: at(2.5) })).toEqual(["tablet#2", "tablet#1", "phone#2"]);
    expect(await bundles({ to: at(1.5) })).toEqual(["phone#2", "phone#1"]);
    expect(await bundles({ from: at(2.5), to: at(0.5), userId: "alice" })).toEqual(["phone#2"]);
    // The overview's "rejected or failed" card links here with its window: the same batches.
    expect(await bundles({ status: "rejected_or_failed" })).toEqual(["tablet#2", "tablet#1"]);
    const stats = await getOverviewStats(db.prisma, "24h", base);
    const inWindow = await bundles({ status: "rejected_or_failed", from: stats.from, to: stats.until });
    expect(inWindow).toHaveLength(stats.totals.failedBatches);
    expect(inWindow).toEqual(["tablet#2", "tablet#1"]);

    const { batches } = await listBatches(db.prisma, { status: "partial" }, { limit: 50 });
    expect(batches[0]).toMatchObject({
      id: partial.batch_id, userId: "alice", deviceRef: phone.deviceRef, platform: "ios", mode: "partial",
      itemCount: 2, okCount: 1, errorCount: 1, conflictCount: 0, lastReplay: null,
    });
  });

  it("pages by (created at, id) without gaps or duplicates, ties included", async () => {
    const phone = await connectDevice(db.prisma, "alice");
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const answer = await pushAs(db.prisma, phone, i + 1, [{ type: "memo", id: `m${i}`, action: "create", data: memo(`${i}`) }]);
      await createdAt(answer.batch_id, at(Math.floor(i / 2)));
      ids.push(answer.batch_id);
    }
    const expected = (await db.prisma.syncBatch.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })).map((b) => b.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listBatches(db.prisma, {}, { cursor, limit: 2 });
      seen.push(...page.batches.map((b) => b.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(seen).toEqual(expected);
    expect([...seen].sort()).toEqual([...ids].sort());
    await expect(listBatches(db.prisma, {}, { cursor: Buffer.from("2026-01-01T00:00:00Z|x").toString("base64url"), limit: 2 }))
      .rejects.toMatchObject({ code: "invalid_request" });
  });
});

describe("getBatchOrThrow", () => {
  it("shows the raw request, per-item results and what a replay would retry", async () => {
    const phone = await connectDevice(db.prisma, "alice", { deviceId: "phone", appVersion: "3.1" });
    const answer = await pushAs(db.prisma, phone, 7, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "gone", action: "delete", base_version: 1 },
    ]);
    const batch = await getBatchOrThrow(db.prisma, answer.batch_id);
    expect(batch).toMatchObject({
      id: answer.batch_id, userId: "alice", bundleId: 7, mode: "partial", status: "partial", itemCount: 2,
      device: { ref: phone.deviceRef, deviceId: "phone", appVersion: "3.1", revoked: false },
      attempts: [], retriable: [1],
    });
    expect(batch.request).toEqual({ device_id: "phone", bundle_id: 7, mode: "partial", items: [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "gone", action: "delete", base_version: 1 },
    ] });
    expect(batch.response).toEqual(answer);
    expect(batch.results.map((r) => [r.index, r.status, r.error?.code ?? null])).toEqual([[0, "ok", null], [1, "error", "not_found"]]);
    expect(batch.latest).toEqual(batch.results);
    await expect(getBatchOrThrow(db.prisma, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
  });

  it("treats every item of a crashed push (no stored results) as waiting on a retry", async () => {
    const phone = await connectDevice(db.prisma, "alice");
    const answer = await pushAs(db.prisma, phone, 1, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "b", action: "create", data: memo("b") },
    ]);
    await db.prisma.syncBatch.update({ where: { id: answer.batch_id }, data: { status: "failed", response: {} } });
    const batch = await getBatchOrThrow(db.prisma, answer.batch_id);
    expect(batch.results).toEqual([]);
    expect(batch.latest).toEqual([null, null]);
    expect(batch.retriable).toEqual([0, 1]);
  });
});
