// The console's service-key procedures on both engines: admins only (for reading too); a key
// created here is returned once and authenticates the server API until it is revoked here; a
// refused call (role, input, duplicate name) leaves every table as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffIdentity } from "@/server/staff/accounts";
import type { Role } from "@/server/staff/roles";
import { applyServerPush } from "@/server/sync/server-push";
import { ZServerPushRequest } from "@/server/sync/server-schemas";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";
import { fingerprintDatabase } from "@/test/hardening/support/state";
import { connectDevice, createStaffAs, memo, pushAs } from "@/test/support/console-data";
import { startTestServer, type TestServer } from "@/test/support/server";

let server: TestServer;
let admin: StaffIdentity;
beforeAll(async () => {
  server = await startTestServer();
  admin = await createStaffAs(server.db.prisma, "admin");
});
afterAll(() => server?.close());

const createCaller = createCallerFactory(appRouter);
const callerFor = (staff: StaffIdentity | null) => createCaller({ db: server.db.prisma, staff });
const callerAs = async (role: Role) => callerFor(await createStaffAs(server.db.prisma, role));
const records = (key: string) => fetch(`${server.url}/api/v1/server/records`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

describe("keys router", () => {
  it("create returns the key once, which authenticates the server API; list shows it without the hash", async () => {
    const created = await callerFor(admin).keys.create({ name: "billing", scopes: ["write", "read", "read"], streams: ["org:*"] });
    expect(created.key).toMatch(/^sdk_/);
    expect(created.summary).toMatchObject({ name: "billing", scopes: ["read", "write"], streams: ["org:*"], prefix: created.key.slice(0, 10), revokedAt: null });
    expect(await records(created.key)).toBe(200);
    const listed = (await callerFor(admin).keys.list()).find((k) => k.name === "billing");
    expect(listed).toMatchObject({ createdBy: `staff:${admin.id}`, createdByLabel: admin.email });
    expect(Object.keys(listed ?? {}).sort()).toEqual(["createdAt", "createdBy", "createdByLabel", "id", "name", "prefix", "revokedAt", "scopes", "streams"]);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(10));
    expect(await server.db.prisma.auditEntry.findMany({ where: { targetId: created.summary.id }, select: { action: true, actorId: true } }))
      .toEqual([{ action: "service_key.create", actorId: admin.id }]);
  });

  it("revoke makes the key answer 401, audited; a second revoke is a CONFLICT", async () => {
    const { key, summary } = await callerFor(admin).keys.create({ name: "to-revoke", scopes: ["read"], streams: ["*"] });
    expect(await records(key)).toBe(200);
    expect(await callerFor(admin).keys.revoke({ name: "to-revoke" })).toMatchObject({ name: "to-revoke", revokedAt: expect.any(Date) });
    expect(await records(key)).toBe(401);
    expect((await callerFor(admin).keys.list()).find((k) => k.id === summary.id)?.revokedAt).toBeInstanceOf(Date);
    expect(await server.db.prisma.auditEntry.count({ where: { targetId: summary.id, action: "service_key.revoke", actorId: admin.id } })).toBe(1);
    await expect(callerFor(admin).keys.revoke({ name: "to-revoke" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(callerFor(admin).keys.revoke({ name: "never-made" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses every role below admin (FORBIDDEN) and nobody (UNAUTHORIZED), changing nothing", async () => {
    const { key } = await callerFor(admin).keys.create({ name: "kept", scopes: ["read"], streams: ["*"] });
    const before = await fingerprintDatabase(server.db.prisma);
    for (const role of ["viewer", "support", "operator"] as const) {
      const caller = await callerAs(role);
      const after = await fingerprintDatabase(server.db.prisma); // the new staff account only
      await expect(caller.keys.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.keys.create({ name: `by-${role}`, scopes: ["read"], streams: ["*"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.keys.revoke({ name: "kept" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await fingerprintDatabase(server.db.prisma), role).toEqual(after);
    }
    const nobody = callerFor(null);
    await expect(nobody.keys.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.keys.create({ name: "by-nobody", scopes: ["read"], streams: ["*"] })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(nobody.keys.revoke({ name: "kept" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await fingerprintDatabase(server.db.prisma)).service_keys).toEqual(before.service_keys);
    expect(await records(key)).toBe(200);
  });

  it("a rejected create (bad name, scope or stream; a taken name) stores nothing and audits nothing", async () => {
    await callerFor(admin).keys.create({ name: "taken", scopes: ["read"], streams: ["*"] });
    const before = await fingerprintDatabase(server.db.prisma);
    const bad = [
      { name: "has space", scopes: ["read"], streams: ["*"] },
      { name: "ok-name", scopes: [], streams: ["*"] },
      { name: "ok-name", scopes: ["root"], streams: ["*"] },
      { name: "ok-name", scopes: ["read"], streams: ["no-colon"] },
      { name: "ok-name", scopes: ["read"], streams: [] },
      { name: "ok-name", scopes: ["read"], streams: ["*"], keyHash: "chosen" },
    ];
    for (const input of bad) {
      // @ts-expect-error: inputs the schema refuses, as a hostile client would send them
      await expect(callerFor(admin).keys.create(input), JSON.stringify(input)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(callerFor(admin).keys.create({ name: "taken", scopes: ["write"], streams: ["org:*"] })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await fingerprintDatabase(server.db.prisma)).toEqual(before);
  });

  it("a server writer's batch names the writer and its key as the source; a phone's stays a device", async () => {
    const { key, summary } = await callerFor(admin).keys.create({ name: "back-office", scopes: ["write"], streams: ["org:*"] });
    expect(key).toBeTruthy();
    const caller = { keyId: summary.id, name: summary.name, scopes: ["write" as const], streams: summary.streams };
    await applyServerPush(server.db.prisma, caller, ZServerPushRequest.parse({ writer_id: "approver", bundle_id: 1, items: [{ type: "memo", stream: "org:acme", action: "create", data: memo("from the backend") }] }));
    const phone = await connectDevice(server.db.prisma, "ada", { deviceId: "ada-phone", platform: "server" });
    await pushAs(server.db.prisma, phone, 1, [{ type: "memo", action: "create", data: memo("from a phone that says server") }]);
    const viewer = await callerAs("viewer");
    expect((await viewer.batches.list({ userId: "ada" })).batches.map((b) => b.source)).toEqual([{ kind: "device" }]);
    const [batch] = (await viewer.batches.list({ userId: "service:back-office" })).batches;
    expect(batch?.source).toEqual({ kind: "server", writerId: "approver", keyName: "back-office" });
    expect((await viewer.batches.get({ id: batch?.id ?? "" })).source).toEqual({ kind: "server", writerId: "approver", keyName: "back-office" });
  });
});
