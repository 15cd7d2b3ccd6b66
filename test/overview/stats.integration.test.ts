// Overview numbers on known data: activity written through the engine, then moved to known
// times, must land in the right hourly (24 h) and daily (7 d) buckets, window edges included.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeDevice, makeStaff, callerFor, pushItems } from "@/test/support/console";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import type { TPushResponse } from "@syncdesk/protocol";
import { getOverviewStats, type StatsBucket } from "@/server/overview/stats";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const now = new Date("2030-01-15T12:30:00Z");
const at = (iso: string) => new Date(`2030-01-${iso}Z`);
const memo = { content: "x", tags: [], pinned: false };
const meter = (reading: number) => ({ code: "M-1", reading, unit: "kWh" });

async function pushAt(response: Promise<TPushResponse>, when: string): Promise<TPushResponse> {
  const pushed = await response;
  await db.prisma.syncBatch.update({ where: { id: pushed.batch_id }, data: { createdAt: at(when) } });
  return pushed;
}

async function seed() {
  const p = db.prisma;
  const dA = await makeDevice(p, "ann");
  const dB = await makeDevice(p, "ann");
  const dC = await makeDevice(p, "ann");
  const created = await pushAt(pushItems(p, dA, [{ type: "meter", action: "create", data: meter(1) }]), "15T12:10:00");
  const id = created.results[0]?.id ?? "";
  await pushAt(pushItems(p, dB, [{ type: "meter", action: "update", id, base_version: 1, data: meter(2) }]), "15T11:59:00");
  const k1 = await pushAt(pushItems(p, dA, [{ type: "meter", action: "update", id, base_version: 1, data: meter(3) }]), "15T11:05:00");
  await pushAt(pushItems(p, dC, [{ type: "memo", action: "create", data: memo }, { type: "nope", action: "create", data: {} }]), "15T02:00:00");
  await pushAt(pushItems(p, dC, [{ type: "memo", action: "create", data: memo }]), "14T12:59:00");
  await pushAt(pushItems(p, dA, [{ type: "memo", action: "create", data: memo }]), "15T13:00:00");
  const k2 = await pushAt(pushItems(p, dB, [{ type: "meter", action: "update", id, base_version: 1, data: meter(4) }]), "15T03:00:00");
  const [k1Id, k2Id] = [k1.results[0]?.conflict?.conflict_id ?? "", k2.results[0]?.conflict?.conflict_id ?? ""];
  await p.conflict.update({ where: { id: k1Id }, data: { createdAt: at("15T11:05:00") } });
  await p.conflict.update({ where: { id: k2Id }, data: { createdAt: at("14T10:00:00") } });
  const staff = await makeStaff(p, "support");
  await callerFor(p, staff).conflicts.resolve({ id: k2Id, resolution: "accept_server", expectedVersion: 2 });
  await p.conflict.update({ where: { id: k2Id }, data: { resolvedAt: at("15T12:20:00") } });
  await p.deviceCheckpoint.deleteMany({});
  await p.deviceCheckpoint.createMany({
    data: [
      { deviceRef: dA.deviceRef, stream: "user:ann", seq: 1n, ackedAt: at("15T12:15:00") },
      { deviceRef: dB.deviceRef, stream: "user:ann", seq: 1n, ackedAt: at("15T06:00:00") },
      { deviceRef: dC.deviceRef, stream: "user:ann", seq: 1n, ackedAt: at("13T00:00:00") },
    ],
  });
  await p.device.update({ where: { id: dA.deviceRef }, data: { lastSeenAt: at("15T12:15:00") } });
  await p.device.update({ where: { id: dB.deviceRef }, data: { lastSeenAt: at("15T06:00:00") } });
  await p.device.update({ where: { id: dC.deviceRef }, data: { lastSeenAt: at("13T00:00:00") } });
}

const zero = { activeDevices: 0, pushes: 0, acks: 0, conflictsOpened: 0, conflictsResolved: 0, failedBatches: 0, partialBatches: 0 };
const bucketAt = (buckets: StatsBucket[], iso: string) => buckets.find((b) => b.start.getTime() === at(iso).getTime());

describe("getOverviewStats", () => {
  it("buckets the last 24 hours by hour, edges excluded", async () => {
    await seed();
    const stats = await getOverviewStats(db.prisma, "24h", now);
    expect(stats.unit).toBe("hour");
    expect(stats.from).toEqual(at("14T13:00:00"));
    expect(stats.until).toEqual(at("15T13:00:00"));
    expect(stats.buckets).toHaveLength(24);
    expect(stats.buckets[0]?.start).toEqual(at("14T13:00:00"));
    expect(stats.buckets[23]?.start).toEqual(at("15T12:00:00"));

    expect(bucketAt(stats.buckets, "15T12:00:00")).toMatchObject({ ...zero, activeDevices: 1, pushes: 1, acks: 1, conflictsResolved: 1 });
    expect(bucketAt(stats.buckets, "15T11:00:00")).toMatchObject({ ...zero, activeDevices: 2, pushes: 2, failedBatches: 1, conflictsOpened: 1 });
    expect(bucketAt(stats.buckets, "15T06:00:00")).toMatchObject({ ...zero, activeDevices: 1, acks: 1 });
    expect(bucketAt(stats.buckets, "15T03:00:00")).toMatchObject({ ...zero, activeDevices: 1, pushes: 1, failedBatches: 1 });
    expect(bucketAt(stats.buckets, "15T02:00:00")).toMatchObject({ ...zero, activeDevices: 1, pushes: 1, partialBatches: 1 });
    const busy = new Set(["15T12:00:00", "15T11:00:00", "15T06:00:00", "15T03:00:00", "15T02:00:00"].map((s) => at(s).getTime()));
    const quiet = stats.buckets.filter((b) => !busy.has(b.start.getTime()));
    expect(quiet).toHaveLength(19);
    for (const bucket of quiet) expect(bucket).toMatchObject(zero);

    expect(stats.totals).toEqual({
      activeDevices: 2, pushes: 5, acks: 2, conflictsOpened: 1, conflictsResolved: 1, failedBatches: 2, partialBatches: 1, openConflictsNow: 1,
    });
  });

  it("buckets the last 7 days by UTC day", async () => {
    await seed();
    const stats = await getOverviewStats(db.prisma, "7d", now);
    expect(stats.unit).toBe("day");
    expect(stats.buckets.map((b) => b.start.toISOString().slice(0, 10))).toEqual([
      "2030-01-09", "2030-01-10", "2030-01-11", "2030-01-12", "2030-01-13", "2030-01-14", "2030-01-15",
    ]);
    expect(bucketAt(stats.buckets, "15T00:00:00")).toMatchObject({
      activeDevices: 3, pushes: 6, acks: 2, conflictsOpened: 1, conflictsResolved: 1, failedBatches: 2, partialBatches: 1,
    });
    expect(bucketAt(stats.buckets, "14T00:00:00")).toMatchObject({ ...zero, activeDevices: 1, pushes: 1, conflictsOpened: 1 });
    expect(bucketAt(stats.buckets, "13T00:00:00")).toMatchObject({ ...zero, activeDevices: 1, acks: 1 });
    expect(stats.totals).toEqual({
      activeDevices: 3, pushes: 7, acks: 3, conflictsOpened: 2, conflictsResolved: 1, failedBatches: 2, partialBatches: 1, openConflictsNow: 1,
    });
  });

  it("answers zeros, not gaps, on an empty database", async () => {
    const stats = await getOverviewStats(db.prisma, "24h", now);
    expect(stats.buckets).toHaveLength(24);
    expect(stats.buckets.every((b) => b.pushes === 0 && b.activeDevices === 0 && b.acks === 0)).toBe(true);
    expect(stats.totals).toEqual({ ...zero, openConflictsNow: 0 });
  });
});
