// The console's device list: every filter, keyset paging without gaps or duplicates, and the health
// numbers beside each device (lag per stream, open conflicts, last error).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ack, bootstrapToken, configureTestEnv, connectDevice, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getDeviceOrThrow } from "@/server/devices/get";
import { listDevices, type DeviceFilters } from "@/server/devices/list";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const HOUR = 3600_000;
const base = new Date("2026-11-20T12:00:00.000Z");
const at = (hoursAgo: number) => new Date(base.getTime() - hoursAgo * HOUR);

async function seenAt(ref: string, when: Date) {
  await db.prisma.device.update({ where: { id: ref }, data: { lastSeenAt: when } });
}

async function ids(filters: DeviceFilters) {
  const { devices } = await listDevices(db.prisma, filters, { limit: 50 });
  return devices.map((d) => d.deviceId);
}

describe("listDevices", () => {
  it("filters by text, user, platform, app version, last seen window and revocation", async () => {
    const phoneA = await connectDevice(db.prisma, "alice", { deviceId: "phone-a", platform: "ios", appVersion: "1.0" });
    const tabletA = await connectDevice(db.prisma, "alice", { deviceId: "tablet-a", platform: "android", appVersion: "2.0" });
    const phoneB = await connectDevice(db.prisma, "bob", { deviceId: "phone-b", platform: "ios", appVersion: "2.0" });
    const webC = await connectDevice(db.prisma, "carol", { deviceId: "web-c", platform: "web", appVersion: "1.0" });
    await seenAt(phoneA.deviceRef, at(0));
    await seenAt(tabletA.deviceRef, at(1));
    await seenAt(phoneB.deviceRef, at(2));
    await seenAt(webC.deviceRef, at(3));
    await db.prisma.device.update({ where: { id: webC.deviceRef }, data: { revokedAt: at(0) } });

    expect(await ids({})).toEqual(["phone-a", "tablet-a", "phone-b", "web-c"]);
    expect(await ids({ q: "phone" })).toEqual(["phone-a", "phone-b"]);
    expect(await ids({ q: "ALI" })).toEqual(["phone-a", "tablet-a"]);
    expect(await ids({ userId: "bob" })).toEqual(["phone-b"]);
    expect(await ids({ userId: "bo" })).toEqual([]);
    expect(await ids({ platform: "IOS" })).toEqual(["phone-a", "phone-b"]);
    expect(await ids({ appVersion: "2.0" })).toEqual(["tablet-a", "phone-b"]);
    expect(await ids({ seenSince: at(1.5) })).toEqual(["phone-a", "tablet-a"]);
    expect(await ids({ seenBefore: at(1.5) })).toEqual(["phone-b", "web-c"]);
    expect(await ids({ seenSince: at(2.5), seenBefore: at(0.5) })).toEqual(["tablet-a", "phone-b"]);
    expect(await ids({ revoked: true })).toEqual(["web-c"]);
    expect(await ids({ revoked: false })).toEqual(["phone-a", "tablet-a", "phone-b"]);
    expect(await ids({ platform: "ios", appVersion: "2.0", q: "b" })).toEqual(["phone-b"]);
    // Search text is literal: "_" and "%" are not wildcards.
    await connectDevice(db.prisma, "dave", { deviceId: "kiosk_1" });
    await connectDevice(db.prisma, "dave", { deviceId: "kiosk%2" });
    expect(await ids({ q: "_" })).toEqual(["kiosk_1"]);
    expect(await ids({ q: "k%" })).toEqual(["kiosk%2"]);
    expect(await ids({ q: "\\" })).toEqual([]);

    const { devices } = await listDevices(db.prisma, { revoked: true }, { limit: 50 });
    expect(devices[0]).toMatchObject({ userId: "carol", platform: "web", appVersion: "1.0", status: "revoked" });
    expect(devices[0]?.streams).toEqual([{ stream: "user:carol", headSeq: 0, ackedSeq: 0, lag: 0, ackedAt: null }]);
  });

  it("pages by (last seen, id) without gaps or duplicates, ties included", async () => {
    const refs: string[] = [];
    for (let i = 0; i < 13; i++) {
      const device = await connectDevice(db.prisma, `user-${i}`, { deviceId: `d-${i}` });
      // Groups of three share a last-seen time: the id must break the tie.
      await seenAt(device.deviceRef, at(Math.floor(i / 3)));
      refs.push(device.deviceRef);
    }
    const expected = (await db.prisma.device.findMany({ orderBy: [{ lastSeenAt: "desc" }, { id: "desc" }], select: { id: true } })).map((d) => d.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listDevices(db.prisma, {}, { cursor, limit: 4 });
      seen.push(...page.devices.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(13);
    expect([...seen].sort()).toEqual([...refs].sort());

    const filtered = await listDevices(db.prisma, { seenBefore: at(2.5) }, { limit: 2 });
    expect(filtered.devices.map((d) => d.deviceId)).toHaveLength(2);
    const rest = await listDevices(db.prisma, { seenBefore: at(2.5) }, { limit: 2, cursor: filtered.nextCursor ?? "" });
    expect([...filtered.devices, ...rest.devices].map((d) => d.deviceId).sort()).toEqual(["d-10", "d-11", "d-12", "d-9"]);
    expect(rest.nextCursor).toBeNull();

    await expect(listDevices(db.prisma, {}, { cursor: "forged", limit: 4 })).rejects.toMatchObject({ code: "invalid_request" });
  });

  it("shows lag per stream (head minus acked seq), open conflicts and the last error", async () => {
    const writer = await connectDevice(db.prisma, "alice", { deviceId: "writer", streams: ["org:x"] });
    const reader = await connectDevice(db.prisma, "alice", { deviceId: "reader", streams: ["org:x"] });
    await pushAs(db.prisma, writer, 1, [
      ...["a", "b", "c"].map((id) => ({ type: "memo", id, action: "create" as const, data: memo(id) })),
      ...["s", "t"].map((id) => ({ type: "memo", id, stream: "org:x", action: "create" as const, data: memo(id) })),
    ]);
    await ack(db.prisma, reader, await bootstrapToken(db.prisma, reader));
    await pushAs(db.prisma, writer, 2, [
      { type: "memo", id: "d", action: "create", data: memo("d") },
      { type: "meter", id: "m", action: "create", data: { code: "M1", reading: 1, unit: "kWh" } },
    ]);
    // The reader edits the meter first; the writer's stale edit becomes an open (manual) conflict.
    await pushAs(db.prisma, reader, 1, [{ type: "meter", id: "m", action: "update", base_version: 1, data: { code: "M1", reading: 2, unit: "kWh" } }]);
    const stale = await pushAs(db.prisma, writer, 3, [
      { type: "meter", id: "m", action: "update", base_version: 1, data: { code: "M1", reading: 3, unit: "kWh" } },
      { type: "memo", id: "missing", action: "update", base_version: 1, data: memo("no") },
    ]);
    expect(stale.results.map((r) => r.status)).toEqual(["conflict", "error"]);

    const { devices } = await listDevices(db.prisma, {}, { limit: 50 });
    const byId = new Map(devices.map((d) => [d.deviceId, d]));
    // user:alice: 3 + 2 pushed + 1 reader edit = head 6; org:x head 2. The reader acked 3 and 2.
    expect(byId.get("reader")).toMatchObject({
      lag: 3,
      streams: [
        { stream: "org:x", headSeq: 2, ackedSeq: 2, lag: 0 },
        { stream: "user:alice", headSeq: 6, ackedSeq: 3, lag: 3 },
      ],
      openConflicts: 0,
      lastError: null,
    });
    expect(byId.get("writer")).toMatchObject({
      lag: 8,
      streams: [
        { stream: "org:x", headSeq: 2, ackedSeq: 0, lag: 2, ackedAt: null },
        { stream: "user:alice", headSeq: 6, ackedSeq: 0, lag: 6, ackedAt: null },
      ],
      openConflicts: 1,
      lastError: { code: "not_found", batchId: stale.batch_id },
    });

    const detail = await getDeviceOrThrow(db.prisma, writer.deviceRef);
    expect(detail).toMatchObject({ deviceId: "writer", lag: 8, openConflicts: 1, status: "active" });
    expect(detail.recentBatches.map((b) => [b.bundleId, b.status, b.errorCount, b.conflictCount])).toEqual([
      [3, "rejected", 1, 1], [2, "applied", 0, 0], [1, "applied", 0, 0],
    ]);
    const readerDetail = await getDeviceOrThrow(db.prisma, reader.deviceRef);
    expect(readerDetail.checkpoints.map((c) => [c.stream, c.seq])).toEqual([["org:x", 2], ["user:alice", 3]]);
    await expect(getDeviceOrThrow(db.prisma, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
  });

  it("filters devices that reported a diverged history, all or those not healed yet, and shows when", async () => {
    const told = await connectDevice(db.prisma, "erin", { deviceId: "told" });
    const healed = await connectDevice(db.prisma, "erin", { deviceId: "healed" });
    await connectDevice(db.prisma, "erin", { deviceId: "never" });
    await db.prisma.device.update({ where: { id: told.deviceRef }, data: { divergedAt: at(2) } });
    await db.prisma.device.update({ where: { id: healed.deviceRef }, data: { divergedAt: at(2), healedAt: at(1) } });

    expect((await ids({ history: "diverged" })).sort()).toEqual(["healed", "told"]);
    expect(await ids({ history: "unhealed" })).toEqual(["told"]);
    const detail = await getDeviceOrThrow(db.prisma, healed.deviceRef);
    expect([detail.divergedAt, detail.healedAt]).toEqual([at(2), at(1)]);
  });
});
