// The request wrapper logs one line per request (id, route template, status, duration) and never
// a body, a token, a query string or a header value other than the request id.
import { beforeEach, describe, expect, it, vi } from "vitest";

const logged = vi.hoisted(() => ({ lines: [] as { level: string; args: unknown[] }[] }));
vi.mock("../log", () => ({
  logger: {
    info: (...args: unknown[]) => logged.lines.push({ level: "info", args }),
    error: (...args: unknown[]) => logged.lines.push({ level: "error", args }),
  },
}));
vi.mock("../metrics/registry", () => ({ recordHttpRequest: vi.fn() }));

const { observe } = await import("./observe");
const { recordHttpRequest } = await import("../metrics/registry");

beforeEach(() => {
  logged.lines.length = 0;
  vi.mocked(recordHttpRequest).mockClear();
});

const SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-jwt.sig";
const SYNC_TOKEN = "c3luYy10b2tlbg.sync-token-sig";

describe("observe", () => {
  it("logs one line with the route template and status, and none of the secrets", async () => {
    const handler = observe(async () => new Response('{"ok":true}', { status: 409, headers: { "content-length": "11" } }));
    const request = new Request(`http://x/api/v1/conflicts/9b1c/resolve?token=${SYNC_TOKEN}`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET_TOKEN}`, "x-request-id": "req-1", "content-type": "application/json" },
      body: JSON.stringify({ resolution: "manual_merge", data: { pin: "4321" } }),
    });
    const response = await handler(request, { params: Promise.resolve({ id: "9b1c" }) });

    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(logged.lines).toHaveLength(1);
    const [fields, message] = logged.lines[0]?.args ?? [];
    expect(message).toBe("request");
    expect(fields).toMatchObject({ req_id: "req-1", method: "POST", route: "/api/v1/conflicts/{id}/resolve", status: 409, bytes: 11 });
    expect(typeof (fields as { ms: unknown }).ms).toBe("number");
    const text = JSON.stringify(logged.lines);
    for (const secret of [SECRET_TOKEN, SYNC_TOKEN, "4321", "manual_merge", "9b1c"]) expect(text).not.toContain(secret);
    expect(recordHttpRequest).toHaveBeenCalledWith(expect.objectContaining({ route: "/api/v1/conflicts/{id}/resolve", status: 409, bytes: 11 }));
  });

  it("logs server errors at error level", async () => {
    const handler = observe(async () => new Response("{}", { status: 500 }));
    await handler(new Request("http://x/api/v1/sync/push", { method: "POST" }));
    expect(logged.lines.map((l) => l.level)).toEqual(["error"]);
  });
});
