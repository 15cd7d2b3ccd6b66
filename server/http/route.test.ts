// The route builder: the handler gets what its definition's schemas parsed, the rate limit counts
// a request before validation, and the device is resolved once per request from where the
// definition says (body, X-Device-Id, sync token), before the handler runs. Authentication, the
// database, the counter and device registration are stand-ins here; the integration tests run the
// real ones over HTTP.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

const SECRET = "route-test-token-secret-0123456789-abcdef";
const caller = { userId: "alice", streams: ["user:alice"] };

vi.mock("../env", () => ({ env: () => ({ REQUEST_BODY_TIMEOUT_SECONDS: 30, syncTokenSecret: SECRET }) }));
vi.mock("../log", () => ({ logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } }));
vi.mock("../metrics/registry", () => ({ recordHttpRequest: vi.fn() }));
vi.mock("../db/client", () => ({ getDb: vi.fn(async () => ({ fake: "db" })) }));
vi.mock("./device-auth", () => ({ authenticateDevice: vi.fn(async () => caller) }));
vi.mock("../limits/rate-limit", async (original) => ({ ...(await original<object>()), enforceRateLimit: vi.fn(async () => {}) }));
vi.mock("../devices/register", () => ({
  ensureDevice: vi.fn(async (_db: unknown, who: typeof caller, deviceId: string) => ({ ...who, deviceId, deviceRef: `ref-${deviceId}` })),
}));

const { handlerOf } = await import("./route");
const { defineRoute } = await import("./route-definition");
const { signPullToken } = await import("../sync/tokens");
const { enforceRateLimit } = await import("../limits/rate-limit");
const { ensureDevice } = await import("../devices/register");
const { getDb } = await import("../db/client");

beforeEach(() => {
  vi.mocked(enforceRateLimit).mockClear();
  vi.mocked(ensureDevice).mockClear();
});

const common = { id: "t", path: "/api/v1/t", tag: "sync", summary: "s", description: "d", response: z.unknown(), errors: [] } as const;
const ZCount = z.object({ device_id: z.string().trim().min(1).max(200), n: z.coerce.number().int().default(1) });

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request("http://x/api/v1/t", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const get = (query = "", headers: Record<string, string> = {}) => new Request(`http://x/api/v1/t${query}`, { headers });
const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe("a device named by the body", () => {
  const route = defineRoute({ ...common, method: "post", auth: { kind: "device", device: { from: "body" } }, body: ZCount });
  const seen: unknown[] = [];
  const handler = handlerOf(route, async ({ device, body }) => {
    seen.push({ device: device.deviceId, n: body.n });
    return { ok: true };
  });

  it("hands the handler the parsed body and the device, registered once", async () => {
    seen.length = 0;
    const response = await handler(post({ device_id: " phone ", n: "3" }));
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ device: "phone", n: 3 }]);
    expect(ensureDevice).toHaveBeenCalledTimes(1);
    expect(enforceRateLimit).toHaveBeenCalledWith(expect.anything(), { userId: "alice", deviceId: "phone" });
  });

  it("counts a malformed body for its device, then refuses it without registering anything", async () => {
    seen.length = 0;
    const response = await handler(post({ device_id: "phone", n: "many" }));
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("invalid_request");
    expect(enforceRateLimit).toHaveBeenCalledWith(expect.anything(), { userId: "alice", deviceId: "phone" });
    expect(ensureDevice).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });
});

describe("a device named by X-Device-Id", () => {
  const optional = defineRoute({ ...common, method: "get", auth: { kind: "device", device: { from: "header" } }, query: z.object({ limit: z.coerce.number().default(5) }) });
  const fallback = defineRoute({ ...common, method: "get", auth: { kind: "device", device: { from: "header", fallback: "shared" } } });
  const optionalHandler = handlerOf(optional, async ({ device, query }) => ({ device: device?.deviceId ?? null, limit: query.limit }));
  const fallbackHandler = handlerOf(fallback, async ({ device }) => ({ device: device.deviceId }));

  it("is optional: without the header there is no device and nothing is registered", async () => {
    const response = await optionalHandler(get("?limit=7"));
    expect(await response.json()).toEqual({ device: null, limit: 7 });
    expect(ensureDevice).not.toHaveBeenCalled();
    expect(enforceRateLimit).toHaveBeenCalledWith(expect.anything(), { userId: "alice", deviceId: null });
  });

  it("registers the named device once, and refuses a malformed name with 400", async () => {
    expect(await (await optionalHandler(get("", { "x-device-id": " tablet " }))).json()).toEqual({ device: "tablet", limit: 5 });
    expect(ensureDevice).toHaveBeenCalledTimes(1);
    const refused = await optionalHandler(get("", { "x-device-id": "x".repeat(201) }));
    expect(refused.status).toBe(400);
    expect(await errorCode(refused)).toBe("invalid_request");
    expect(ensureDevice).toHaveBeenCalledTimes(1);
  });

  it("falls back to the definition's device when the header is absent or blank", async () => {
    expect(await (await fallbackHandler(get("", { "x-device-id": " " }))).json()).toEqual({ device: "shared" });
    expect(await (await fallbackHandler(get("", { "x-device-id": "mine" }))).json()).toEqual({ device: "mine" });
  });
});

describe("a device named by the sync token", () => {
  const route = defineRoute({ ...common, method: "get", auth: { kind: "device", device: { from: "syncToken" } }, query: z.object({ token: z.string() }) });
  const handler = handlerOf(route, async ({ device, position }) => ({ device: device.deviceId, streams: position.s }));
  const token = (userId: string, deviceId: string) =>
    signPullToken(SECRET, { u: userId, d: deviceId, s: { "user:alice": 4 }, f: null, t: {}, exp: Math.floor(Date.now() / 1000) + 600 });

  it("takes the device from the token and hands the handler its position", async () => {
    const response = await handler(get(`?token=${token("alice", "phone")}`));
    expect(await response.json()).toEqual({ device: "phone", streams: { "user:alice": 4 } });
    expect(ensureDevice).toHaveBeenCalledTimes(1);
  });

  it("refuses a token of another user, or of a device other than X-Device-Id, before registering anything", async () => {
    for (const response of [
      await handler(get(`?token=${token("mallory", "phone")}`)),
      await handler(get(`?token=${token("alice", "phone")}`, { "x-device-id": "tablet" })),
    ]) {
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe("invalid_token");
    }
    expect(ensureDevice).not.toHaveBeenCalled();
  });
});

describe("a route without auth", () => {
  const route = defineRoute({ ...common, method: "get", auth: { kind: "none" } });

  it("opens the database only when its handler asks (health must answer while it cannot be opened)", async () => {
    vi.mocked(getDb).mockClear();
    const handler = handlerOf(route, async () => ({ up: true }));
    expect(await (await handler(get())).json()).toEqual({ up: true });
    expect(getDb).not.toHaveBeenCalled();
    const asking = handlerOf(route, async ({ getDb: open }) => ({ db: await open() }));
    expect(await (await asking(get())).json()).toEqual({ db: { fake: "db" } });
    expect(getDb).toHaveBeenCalledTimes(1);
  });
});

describe("definitions the handler could not be fed from", () => {
  it("are type errors", () => {
    // @ts-expect-error a device named by the body needs `device_id` in the body's schema
    defineRoute({ ...common, method: "post", auth: { kind: "device", device: { from: "body" } }, body: z.object({ name: z.string() }) });
    // @ts-expect-error a device named by the sync token needs `token` in the body or the query
    defineRoute({ ...common, method: "get", auth: { kind: "device", device: { from: "syncToken" } }, query: z.object({ limit: z.number() }) });
    // @ts-expect-error a route reads a JSON body or raw bytes, not both
    defineRoute({ ...common, method: "put", auth: { kind: "none" }, body: z.object({}), rawBody: "bytes" });
  });
});
