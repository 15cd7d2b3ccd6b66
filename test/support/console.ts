// Fixtures for the console's integration tests: devices and pushes through the real sync engine
// (no HTTP), stored conflicts, staff of each role, and tRPC callers acting as them.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { Db } from "@/server/db/client";
import { ensureDevice, type DeviceContext } from "@/server/devices/register";
import { createStaff, type StaffIdentity } from "@/server/staff/accounts";
import type { Role } from "@/server/staff/roles";
import { bootstrapPage } from "@/server/sync/bootstrap";
import { toPullResponse } from "@/server/sync/change-json";
import { openTokenForCaller, pullForDevice } from "@/server/sync/pull-for-caller";
import { applyPush } from "@/server/sync/push";
import { ZPushRequest, ZPushResponse, type TChange, type TPushResponse } from "@syncdesk/protocol";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

// Before anything reads env(): the engine signs tokens with these.
process.env.SYNC_JWT_SECRET = "test-jwt-secret-0123456789-abcdefghijklmnop";
process.env.SYNC_TOKEN_SECRET = "test-token-secret-0123456789-abcdefghijklmnop";
process.env.AUTH_SECRET = "test-auth-secret-0123456789-abcdefghijklmnop";
process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "syncdesk-test-"));
process.env.LOG_LEVEL ??= "silent";

let nextBundleId = 1;

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function makeDevice(db: Db, userId: string, deviceId: string = randomUUID()): Promise<DeviceContext> {
  return ensureDevice(db, { userId, streams: [`user:${userId}`] }, deviceId);
}

export async function pushItems(db: Db, device: DeviceContext, items: unknown[]): Promise<TPushResponse> {
  // Read back through the wire schema: an item error code outside the table fails the test.
  return ZPushResponse.parse(await applyPush(db, device, ZPushRequest.parse({ device_id: device.deviceId, bundle_id: nextBundleId++, items })));
}

export const meter = (code: string, reading: number, unit = "kWh") => ({ code, reading, unit });

export type OpenedConflict = {
  conflictId: string;
  recordId: string;
  code: string;
  device: DeviceContext;
  other: DeviceContext;
  key: { stream: string; type: string; id: string };
};

/** A stored manual conflict: `device` edits a meter that `other` (same user) changed first.
 *  Record: v1 {reading 1}, v2 {reading 2} by other; the device's update {reading 3} on base 1. */
export async function openMeterConflict(db: Db, userId: string, device?: DeviceContext): Promise<OpenedConflict> {
  const mine = device ?? (await makeDevice(db, userId));
  const other = await makeDevice(db, userId);
  const code = uniqueName("M");
  const created = await pushItems(db, mine, [{ type: "meter", action: "create", data: meter(code, 1) }]);
  const recordId = created.results[0]?.id ?? "";
  await pushItems(db, other, [{ type: "meter", action: "update", id: recordId, base_version: 1, data: meter(code, 2) }]);
  const pushed = await pushItems(db, mine, [{ type: "meter", action: "update", id: recordId, base_version: 1, data: meter(code, 3) }]);
  const conflictId = pushed.results[0]?.conflict?.conflict_id ?? "";
  expect(pushed.results[0]?.status).toBe("conflict");
  expect(conflictId).not.toBe("");
  return { conflictId, recordId, code, device: mine, other, key: { stream: `user:${userId}`, type: "meter", id: recordId } };
}

/** A stored merge conflict on a submission: both sides changed `status` differently. */
export async function openSubmissionConflict(db: Db, userId: string): Promise<string> {
  const mine = await makeDevice(db, userId);
  const other = await makeDevice(db, userId);
  const base = { form_id: "f1", form_version: 1, data: {}, status: "draft" };
  const created = await pushItems(db, mine, [{ type: "submission", action: "create", data: base }]);
  const id = created.results[0]?.id ?? "";
  await pushItems(db, other, [{ type: "submission", action: "update", id, base_version: 1, data: { ...base, status: "approved" } }]);
  const pushed = await pushItems(db, mine, [{ type: "submission", action: "update", id, base_version: 1, data: { ...base, status: "submitted" } }]);
  expect(pushed.results[0]?.status).toBe("conflict");
  return pushed.results[0]?.conflict?.conflict_id ?? "";
}

/** A pull token at the device's current position (after a full bootstrap). */
export async function tokenAfterBootstrap(db: Db, device: DeviceContext): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const page = await bootstrapPage(db, device, { device_id: device.deviceId, limit: 500, ...(cursor ? { cursor } : {}) });
    if (!page.more && page.token) return page.token;
    cursor = page.cursor ?? undefined;
  }
}

export async function pullEverything(db: Db, device: DeviceContext, token: string): Promise<TChange[]> {
  const changes: TChange[] = [];
  for (;;) {
    const page = toPullResponse(await pullForDevice(db, device, openTokenForCaller(device, token, device.deviceId), 1000));
    changes.push(...page.changes);
    if (!page.more) return changes;
    token = page.token;
  }
}

export function makeStaff(db: Db, role: Role): Promise<StaffIdentity> {
  return createStaff(db, { email: `${uniqueName(role)}@example.test`, role });
}

const createCaller = createCallerFactory(appRouter);

export function callerFor(db: Db, staff: StaffIdentity | null) {
  return createCaller({ db, staff });
}

const WRITTEN_TABLES = ["records", "changes", "streams", "conflicts", "audit_log", "sync_batches"] as const;

/** Every row of the tables a resolution could write, to prove a refused one wrote nothing. */
export async function snapshotWrites(db: Db): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of WRITTEN_TABLES) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY 1`);
    snapshot[table] = rows.map((r) => r.row);
  }
  return snapshot;
}
