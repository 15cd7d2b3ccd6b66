// Data for console integration tests, made the way devices and staff make it: devices register
// through ensureDevice, pushes go through applyPush, pulls and acks through the engine. No HTTP.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db } from "@/server/db/client";
import { ensureDevice, type DeviceContext } from "@/server/devices/register";
import { env } from "@/server/env";
import { createStaff, type StaffIdentity } from "@/server/staff/accounts";
import type { Role } from "@/server/staff/roles";
import { ackToken } from "@/server/sync/ack";
import { bootstrapPage } from "@/server/sync/bootstrap";
import { pullChanges } from "@/server/sync/pull";
import { applyPush } from "@/server/sync/push";
import { ZBootstrapRequest, ZPushRequest, ZPushResponse, type TChange, type TPushItem } from "@syncdesk/protocol";
import { openPullToken } from "@/server/sync/tokens";
import { TEST_JWT_SECRET } from "./server";

/** The secrets the engine needs, set before anything reads env() (as test/support/server.ts does). */
export function configureTestEnv(): void {
  process.env.SYNC_JWT_SECRET = TEST_JWT_SECRET;
  process.env.SYNC_TOKEN_SECRET = "test-token-secret-0123456789-abcdefghijklmnop";
  process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "syncdesk-test-"));
  process.env.LOG_LEVEL ??= "silent";
}

export function createStaffAs(db: Db, role: Role): Promise<StaffIdentity> {
  return createStaff(db, { email: `${role}-${randomBytes(4).toString("hex")}@example.test`, role });
}

export type DeviceOptions = { deviceId?: string; streams?: string[]; platform?: string; appVersion?: string };

/** A device's request as the mobile routes make it: registers on first use, refuses a revoked one. */
export function connectDevice(db: Db, userId: string, options: DeviceOptions = {}): Promise<DeviceContext> {
  const streams = [...new Set([`user:${userId}`, ...(options.streams ?? [])])].sort();
  const hints = {
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.appVersion ? { appVersion: options.appVersion } : {}),
  };
  return ensureDevice(db, { userId, streams }, options.deviceId ?? `dev-${randomBytes(4).toString("hex")}`, hints);
}

export async function pushAs(db: Db, device: DeviceContext, bundleId: number, items: TPushItem[], mode?: "partial" | "atomic") {
  // Read back through the wire schema: an item error code outside the table fails the test.
  return ZPushResponse.parse(await applyPush(db, device, ZPushRequest.parse({ device_id: device.deviceId, bundle_id: bundleId, items, ...(mode ? { mode } : {}) })));
}

export const memo = (content: string) => ({ content, tags: [], pinned: false });

/** The token at the end of a full bootstrap (the device is then up to date). */
export async function bootstrapToken(db: Db, device: DeviceContext): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const page = await bootstrapPage(db, device, ZBootstrapRequest.parse({ device_id: device.deviceId, ...(cursor ? { cursor } : {}) }));
    if (!page.more && page.token) return page.token;
    if (!page.cursor) throw new Error("a bootstrap page with more must carry a cursor");
    cursor = page.cursor;
  }
}

/** Every change after `token`, page by page; returns them and the final token. */
export async function pullAll(db: Db, device: DeviceContext, token: string, limit = 200): Promise<{ changes: TChange[]; token: string }> {
  const changes: TChange[] = [];
  for (let page = 0; page < 1000; page++) {
    const answer = await pullChanges(db, device, openPullToken(env().syncTokenSecret, token), limit);
    changes.push(...answer.changes);
    token = answer.token;
    if (!answer.more) return { changes, token };
  }
  throw new Error("pull did not end within 1000 pages");
}

export function ack(db: Db, device: DeviceContext, token: string) {
  return ackToken(db, device, token);
}
