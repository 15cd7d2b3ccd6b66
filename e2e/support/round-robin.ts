// A device behind a round-robin load balancer: every call goes to the next app instance in turn,
// unless a test names the instance. Used by the several-instances e2e spec.
import { createHash, randomUUID } from "node:crypto";
import { expect } from "@playwright/test";
import { E2E_SECRETS } from "../../playwright.config";
import { mintDeviceJwt } from "../../server/http/dev-token";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse, type TChange, type TPushItem, type TPushResponse } from "@syncdesk/protocol";

/** Alternates instances call by call, like a round-robin load balancer. */
export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export class RoundRobin {
  private turn = 0;
  constructor(readonly urls: readonly string[]) {}
  next(): string {
    const url = this.urls[this.turn % this.urls.length] as string;
    this.turn += 1;
    return url;
  }
}

type Answer = { status: number; body: unknown };

/** A device whose every call goes to the next instance in turn. */
export class RoundRobinDevice {
  readonly deviceId = randomUUID();
  token: string | null = null;
  private bundleId = 0;
  constructor(private readonly jwt: string, readonly rr: RoundRobin) {}

  static async open(userId: string, rr: RoundRobin): Promise<RoundRobinDevice> {
    return new RoundRobinDevice(await mintDeviceJwt({ userId, secret: E2E_SECRETS.SYNC_JWT_SECRET, expiresIn: "1h" }), rr);
  }

  async call(method: "GET" | "POST", path: string, body?: unknown, base = this.rr.next()): Promise<Answer> {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.jwt}`, "content-type": "application/json", "x-device-id": this.deviceId },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    return { status: response.status, body: answer };
  }

  /** A request with the device's auth and any body (uploads), answered as it is. */
  raw(method: string, base: string, path: string, headers: Record<string, string> = {}, body?: Uint8Array<ArrayBuffer>): Promise<Response> {
    return fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.jwt}`, "x-device-id": this.deviceId, ...headers },
      body,
    });
  }

  /** Downloads a blob through `base` and answers the sha256 of what arrived. */
  async downloadSha256(base: string, key: string): Promise<string> {
    const response = await this.raw("GET", base, `/api/v1/blobs/${key}`);
    expect(response.status).toBe(200);
    return sha256(new Uint8Array(await response.arrayBuffer()));
  }

  async ok(method: "GET" | "POST", path: string, body?: unknown, base?: string): Promise<unknown> {
    const answer = await this.call(method, path, body, base);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }

  bundle(items: TPushItem[], mode: "partial" | "atomic" = "partial") {
    this.bundleId += 1;
    return { device_id: this.deviceId, bundle_id: this.bundleId, mode, items };
  }

  async push(items: TPushItem[], mode: "partial" | "atomic" = "partial"): Promise<TPushResponse> {
    return ZPushResponse.parse(await this.ok("POST", "/sync/push", this.bundle(items, mode)));
  }

  async bootstrap(): Promise<number> {
    let cursor: string | null = null;
    let records = 0;
    for (;;) {
      const page = ZBootstrapResponse.parse(await this.ok("POST", "/sync/bootstrap", { device_id: this.deviceId, ...(cursor ? { cursor } : {}) }));
      records += page.items.length;
      if (!page.more) {
        this.token = page.token;
        return records;
      }
      cursor = page.cursor;
    }
  }

  async pull(limit = 200): Promise<TChange[]> {
    const changes: TChange[] = [];
    for (;;) {
      const page = ZPullResponse.parse(await this.ok("POST", "/sync/pull", { token: this.token, limit }));
      changes.push(...page.changes);
      this.token = page.token;
      if (!page.more) return changes;
    }
  }
}
