// The user list and a user's page: everything of theirs in one place, and nothing of anyone else's.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTestEnv, connectDevice, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { getUserOrThrow } from "@/server/users/get";
import { listUsers } from "@/server/users/list";

configureTestEnv();

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.close());

describe("users", () => {
  it("shows a user's devices, streams, open conflicts, recent batches and record counts by type", async () => {
    const phone = await connectDevice(db.prisma, "fay", { deviceId: "fay-phone", streams: ["org:team"] });
    const tablet = await connectDevice(db.prisma, "fay", { deviceId: "fay-tablet" });
    const other = await connectDevice(db.prisma, "gus", { deviceId: "gus-phone", streams: ["org:team"] });
    await pushAs(db.prisma, phone, 1, [
      { type: "memo", id: "a", action: "create", data: memo("a") },
      { type: "memo", id: "b", action: "create", data: memo("b") },
      { type: "meter", id: "m", action: "create", data: { code: "C", reading: 1, unit: "l" } },
      { type: "memo", id: "t", stream: "org:team", action: "create", data: memo("team") },
    ]);
    await pushAs(db.prisma, phone, 2, [{ type: "memo", id: "b", action: "delete", base_version: 1 }]);
    await pushAs(db.prisma, tablet, 1, [{ type: "meter", id: "m", action: "update", base_version: 0, data: { code: "C", reading: 2, unit: "l" } }]);
    await pushAs(db.prisma, other, 1, [{ type: "memo", id: "g", action: "create", data: memo("gus") }]);

    const fay = await getUserOrThrow(db.prisma, "fay");
    expect(fay.devices.map((d) => d.deviceId).sort()).toEqual(["fay-phone", "fay-tablet"]);
    expect(fay.streams.map((s) => [s.name, s.own])).toEqual([["org:team", false], ["user:fay", true]]);
    expect(fay.openConflicts.total).toBe(1);
    expect(fay.openConflicts.recent[0]).toMatchObject({ type: "meter", recordId: "m" });
    // Newest first; pushes in the same millisecond may come in either order.
    expect(fay.recentBatches.map((b) => `${b.deviceId}#${b.bundleId}`).sort()).toEqual(["fay-phone#1", "fay-phone#2", "fay-tablet#1"]);
    expect(fay.recentBatches.map((b) => b.createdAt.getTime())).toEqual(fay.recentBatches.map((b) => b.createdAt.getTime()).sort((a, b) => b - a));
    expect(fay.recordCounts).toEqual([
      { stream: "org:team", type: "memo", live: 1, deleted: 0 },
      { stream: "user:fay", type: "memo", live: 1, deleted: 1 },
      { stream: "user:fay", type: "meter", live: 1, deleted: 0 },
    ]);
    await expect(getUserOrThrow(db.prisma, "nobody")).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists users by id, searched and paged, and refuses a forged cursor", async () => {
    for (const user of ["ann", "bea", "bob", "cy"]) await connectDevice(db.prisma, user);
    await connectDevice(db.prisma, "bob");
    const first = await listUsers(db.prisma, {}, { limit: 2 });
    expect(first.users.map((u) => u.userId)).toEqual(["ann", "bea"]);
    const second = await listUsers(db.prisma, {}, { limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.users.map((u) => [u.userId, u.devices])).toEqual([["bob", 2], ["cy", 1]]);
    expect(second.nextCursor).toBeNull();
    expect((await listUsers(db.prisma, { q: "B" }, { limit: 10 })).users.map((u) => u.userId)).toEqual(["bea", "bob"]);
    await expect(listUsers(db.prisma, {}, { limit: 2, cursor: "!!" })).rejects.toMatchObject({ code: "invalid_request" });
    await expect(listUsers(db.prisma, {}, { limit: 2, cursor: Buffer.from("a\u0000").toString("base64url") })).rejects.toMatchObject({ code: "invalid_request" });
  });
});
