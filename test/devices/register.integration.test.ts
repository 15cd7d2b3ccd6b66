// ensureDevice: registration on first use, refusal of a revoked device, and last_seen_at written at
// most once per LAST_SEEN_RESOLUTION_MS (a stale one refreshed by the read's own statement).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureDevice, LAST_SEEN_RESOLUTION_MS } from "@/server/devices/register";
import { configureTestEnv } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

const alice = { userId: "alice", streams: ["user:alice"] };
const row = (deviceId = "phone") => db.prisma.device.findUniqueOrThrow({ where: { userId_deviceId: { userId: "alice", deviceId } } });
const setLastSeen = (msAgo: number) =>
  db.prisma.device.update({ where: { userId_deviceId: { userId: "alice", deviceId: "phone" } }, data: { lastSeenAt: new Date(Date.now() - msAgo) } });

describe("ensureDevice", () => {
  it("registers a new device with its grants and hints", async () => {
    const device = await ensureDevice(db.prisma, alice, "phone", { platform: "ios", appVersion: "1.0" });
    expect(device).toMatchObject({ userId: "alice", deviceId: "phone", deviceRef: expect.any(String) });
    expect(await row()).toMatchObject({ id: device.deviceRef, streams: ["user:alice"], platform: "ios", appVersion: "1.0", revokedAt: null });
  });

  it("leaves a recent last_seen_at alone and refreshes a stale one", async () => {
    await ensureDevice(db.prisma, alice, "phone", { platform: "ios" });
    const recent = (await setLastSeen(LAST_SEEN_RESOLUTION_MS / 2)).lastSeenAt;
    await ensureDevice(db.prisma, alice, "phone", { platform: "ios" });
    expect((await row()).lastSeenAt).toEqual(recent);

    const stale = (await setLastSeen(2 * LAST_SEEN_RESOLUTION_MS)).lastSeenAt;
    const before = Date.now();
    const device = await ensureDevice(db.prisma, alice, "phone", { platform: "ios" });
    const after = await row();
    expect(device.deviceRef).toBe(after.id);
    expect(after.lastSeenAt.getTime()).toBeGreaterThan(stale.getTime() + LAST_SEEN_RESOLUTION_MS);
    // The database's clock writes it: allow for a small skew against this process's clock.
    expect(Math.abs(after.lastSeenAt.getTime() - before)).toBeLessThan(5_000);
    expect(after).toMatchObject({ platform: "ios", streams: ["user:alice"] });
  });

  it("writes changed grants and hints at once, however recent last_seen_at is", async () => {
    await ensureDevice(db.prisma, alice, "phone", { platform: "ios", appVersion: "1.0" });
    await ensureDevice(db.prisma, alice, "phone", { appVersion: "1.1" });
    expect(await row()).toMatchObject({ platform: "ios", appVersion: "1.1" });
    await ensureDevice(db.prisma, { userId: "alice", streams: ["team:a", "user:alice"] }, "phone");
    expect((await row()).streams).toEqual(["team:a", "user:alice"]);
    // Stale and changed: the grants are written too, not only last_seen_at.
    const stale = (await setLastSeen(2 * LAST_SEEN_RESOLUTION_MS)).lastSeenAt;
    await ensureDevice(db.prisma, alice, "phone", { platform: "android" });
    const after = await row();
    expect(after).toMatchObject({ platform: "android", appVersion: "1.1", streams: ["user:alice"] });
    expect(after.lastSeenAt.getTime()).toBeGreaterThan(stale.getTime());
  });

  it("refuses a revoked device, recent or stale, and does not touch its row", async () => {
    await ensureDevice(db.prisma, alice, "phone");
    await db.prisma.device.update({ where: { userId_deviceId: { userId: "alice", deviceId: "phone" } }, data: { revokedAt: new Date() } });
    await expect(ensureDevice(db.prisma, alice, "phone")).rejects.toMatchObject({ code: "device_revoked" });
    const stale = await setLastSeen(2 * LAST_SEEN_RESOLUTION_MS);
    await expect(ensureDevice(db.prisma, alice, "phone", { platform: "ios" })).rejects.toMatchObject({ code: "device_revoked" });
    expect(await row()).toEqual(stale);
  });
});
