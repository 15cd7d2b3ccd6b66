// An app install as the console e2e tests use it: it mints its own JWT (as the app's auth server
// would) and talks to the console server's mobile API over HTTP. Every answer is checked against
// the wire schemas, so a test fails on a malformed answer as a real app would.
import { randomUUID } from "node:crypto";
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";
import { CONSOLE_URL, E2E_SECRETS } from "../../playwright.config";
import { mintDeviceJwt } from "../../server/http/dev-token";
import { openPullToken, signPullToken } from "../../server/sync/tokens";
import {
  ZBootstrapResponse, ZConflictPage, ZFetchResponse, ZPullResponse, ZPushResponse,
  type TChange, type TConflict, type TPushItem, type TPushResponse, type TRecord,
} from "@syncdesk/protocol";

const API = `${CONSOLE_URL}/api/v1`;

/** A user id nobody else uses: every test owns its users, devices and streams. */
export function uniqueUser(prefix = "e2e"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export type DeviceOptions = { deviceId?: string; platform?: string; appVersion?: string };

export class MobileDevice {
  private bundleId = 0;
  private token: string | null = null;

  private constructor(
    private readonly request: APIRequestContext,
    readonly userId: string,
    readonly deviceId: string,
    private readonly headers: Record<string, string>,
  ) {}

  static async open(request: APIRequestContext, userId: string, options: DeviceOptions = {}): Promise<MobileDevice> {
    const jwt = await mintDeviceJwt({ userId, secret: E2E_SECRETS.SYNC_JWT_SECRET, expiresIn: "1h" });
    const deviceId = options.deviceId ?? `device-${randomUUID().slice(0, 8)}`;
    return new MobileDevice(request, userId, deviceId, {
      authorization: `Bearer ${jwt}`,
      "x-device-id": deviceId,
      "x-device-platform": options.platform ?? "android",
      "x-app-version": options.appVersion ?? "3.1.0",
    });
  }

  get stream(): string {
    return `user:${this.userId}`;
  }

  /** A mobile API call as it is, for tests about refusals. */
  post(path: string, body: unknown): Promise<APIResponse> {
    return this.request.post(`${API}${path}`, { headers: this.headers, data: body });
  }

  get(path: string): Promise<APIResponse> {
    return this.request.get(`${API}${path}`, { headers: this.headers });
  }

  /** The next bundle of this device, as sent (for a raw push). */
  bundle(items: TPushItem[], mode: "partial" | "atomic" = "partial") {
    this.bundleId += 1;
    return { device_id: this.deviceId, bundle_id: this.bundleId, mode, items };
  }

  /** Pushes a bundle and returns the answer; any HTTP status but 200 fails the test. */
  async push(items: TPushItem[], mode: "partial" | "atomic" = "partial"): Promise<TPushResponse> {
    return ZPushResponse.parse(await ok(await this.post("/sync/push", this.bundle(items, mode))));
  }

  /** Hydrates from scratch and keeps the pull token: later pulls see only what happens after. */
  async bootstrap(): Promise<TRecord[]> {
    const records: TRecord[] = [];
    let cursor: string | null = null;
    for (;;) {
      const body: unknown = await ok(await this.post("/sync/bootstrap", { device_id: this.deviceId, ...(cursor ? { cursor } : {}) }));
      const page = ZBootstrapResponse.parse(body);
      records.push(...page.items);
      if (!page.more) {
        this.token = page.token;
        return records;
      }
      cursor = page.cursor;
    }
  }

  /** Every change since the last bootstrap or pull, in order. */
  async pull(): Promise<TChange[]> {
    if (!this.token) throw new Error("bootstrap before pulling");
    const changes: TChange[] = [];
    for (;;) {
      const page = ZPullResponse.parse(await ok(await this.post("/sync/pull", { token: this.token })));
      changes.push(...page.changes);
      this.token = page.token;
      if (!page.more) return changes;
    }
  }

  /**
   * What a database restored behind this device does to its token: its position is now ahead of
   * the server's history. Re-signed with the e2e token secret, as only the server could.
   */
  async pullAfterRestore(): Promise<APIResponse> {
    if (!this.token) throw new Error("bootstrap before pulling");
    const position = openPullToken(E2E_SECRETS.SYNC_TOKEN_SECRET, this.token);
    const ahead = Object.fromEntries(Object.entries(position.s).map(([stream, seq]) => [stream, seq + 5]));
    const { k: _kind, ...rest } = position;
    return this.post("/sync/pull", { token: signPullToken(E2E_SECRETS.SYNC_TOKEN_SECRET, { ...rest, s: ahead }) });
  }

  /** Records the current token as this device's durable checkpoint (the console's lag). */
  async ack(): Promise<void> {
    if (!this.token) throw new Error("bootstrap before acking");
    await ok(await this.post("/sync/ack", { device_id: this.deviceId, token: this.token }));
  }

  /** The record as the server holds it now, or null when it is missing or deleted. */
  async fetchRecord(type: string, id: string): Promise<TRecord | null> {
    const answer = ZFetchResponse.parse(await ok(await this.post("/sync/fetch", { items: [{ type, id }] })));
    return answer.records[0] ?? null;
  }

  /** The caller's conflicts as a device sees them. */
  async conflicts(status: "open" | "resolved" | "all"): Promise<TConflict[]> {
    return ZConflictPage.parse(await ok(await this.get(`/conflicts?status=${status}`))).conflicts;
  }
}

async function ok(response: APIResponse): Promise<unknown> {
  const body: unknown = await response.json();
  expect(response.status(), JSON.stringify(body)).toBe(200);
  return body;
}
