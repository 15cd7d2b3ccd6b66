// The hot sync routes served beside Next (server/http/beside-next-routes.ts, what `next start`
// does for pull, push, bootstrap and ack): the same handlers as Next's routes, so a device that
// syncs through either path reads and writes the same data and gets the same answers; large pages
// are gzipped for clients that ask, as Next's compression does.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZAckResponse, ZPullResponse, type TPullResponse } from "@syncdesk/protocol";
import { env } from "@/server/env";
import { routeHeaders } from "@/server/http/beside-next";
import { BESIDE_NEXT_ROUTES } from "@/server/http/beside-next-routes";
import { openPullToken } from "@/server/sync/tokens";
import { errorOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { startBesideServer, type BesideServer } from "../support/beside-server";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, memoCreates, okBody, pullAll, pullPage, push } from "../support/sync-client";

let server: TestServer;
let beside: BesideServer | undefined;
let besideUrl = "";
let users = 0;

beforeAll(async () => {
  server = await startTestServer();
  // What next start's server does: the listed routes beside Next; anything else would be Next's.
  beside = await startBesideServer((req, res) => BESIDE_NEXT_ROUTES.some((route) => route(req, res, true)));
  besideUrl = beside.url;
});
afterAll(async () => {
  await beside?.close();
  await server?.close();
});

/** One device, twice: through the routes beside Next and through Next's routes. */
async function deviceBothWays(name: string): Promise<{ viaBeside: TestDevice; viaNext: TestDevice }> {
  users += 1;
  const viaBeside = await makeDevice(besideUrl, `${name}-${users}`);
  const viaNext = await makeDevice(server.url, viaBeside.userId, { deviceId: viaBeside.deviceId });
  return { viaBeside, viaNext };
}

/**
 * A pull page without its clock: `server_time`, and the token's expiry (seconds), which two reads
 * of the same page a second apart differ in. The token is compared as the position it signs.
 */
function sansClock(page: TPullResponse | undefined) {
  if (!page) return undefined;
  const { server_time: _clock, token, ...rest } = page;
  const { exp: _expiry, ...position } = openPullToken(env().syncTokenSecret, token);
  return { ...rest, position };
}

function rawPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("sync routes beside Next", () => {
  it("bootstrap, push, pull and ack as through Next's routes, with the route headers", async () => {
    const { viaBeside, viaNext } = await deviceBothWays("alice");
    const { token } = await bootstrapAll(viaBeside);
    const items = memoCreates(3, "memo");
    const pushed = await push(viaBeside, 1, items);
    expect(pushed.results.map((result) => result.status)).toEqual(["ok", "ok", "ok"]);
    // The same bundle through Next's route is a retry: the stored answer.
    expect(await push(viaNext, 1, items)).toEqual(pushed);

    const { pages } = await pullAll(viaBeside, token);
    expect(pages.flatMap((page) => page.changes).map((change) => change.id)).toEqual(["memo-0", "memo-1", "memo-2"]);
    expect(sansClock(await pullPage(viaNext, token))).toEqual(sansClock(pages[0]));
    const viaQuery = await viaBeside.call("GET", `/api/v1/sync/pull?token=${encodeURIComponent(token)}`);
    expect(sansClock(okBody(viaQuery, ZPullResponse, "pull (GET)"))).toEqual(sansClock(pages[0]));
    for (const [name, value] of Object.entries(routeHeaders(true))) expect(viaQuery.headers.get(name)).toBe(value);
    expect(viaQuery.headers.get("x-request-id")).toBeTruthy();

    const last = pages.at(-1)?.token ?? "";
    const acked = await viaBeside.call("POST", "/api/v1/sync/ack", { device_id: viaBeside.deviceId, token: last });
    expect(okBody(acked, ZAckResponse, "ack").checkpoint).toEqual({ [`user:${viaBeside.userId}`]: 3 });
    const rows = await server.db.prisma.deviceCheckpoint.findMany({ where: { stream: `user:${viaBeside.userId}` } });
    expect(rows.map((row) => Number(row.seq))).toEqual([3]);
  });

  it("refuse a push Next's route refuses, with the same answer, and write nothing", async () => {
    const { viaBeside, viaNext } = await deviceBothWays("bob");
    const bad = { device_id: viaBeside.deviceId, bundle_id: -1, items: memoCreates(1, "memo") };
    const refused = await viaBeside.call("POST", "/api/v1/sync/push", bad);
    const byNext = await viaNext.call("POST", "/api/v1/sync/push", bad);
    expect(refused.status).toBe(400);
    expect(refused.status).toBe(byNext.status);
    expect(errorOf(refused)).toEqual(errorOf(byNext));
    expect(await server.db.prisma.change.count({ where: { stream: `user:${viaBeside.userId}` } })).toBe(0);
  });

  it("gzip a large pull page for a client that asks; the page is Next's route's page", async () => {
    const { viaBeside, viaNext } = await deviceBothWays("carol");
    const { token } = await bootstrapAll(viaBeside);
    await push(viaBeside, 1, memoCreates(400, "a-memo-with-a-long-enough-id"));
    const body = JSON.stringify({ token, limit: 1000 });
    const gzipped = await rawPost(`${besideUrl}/api/v1/sync/pull`, { authorization: `Bearer ${viaBeside.jwt}`, "accept-encoding": "gzip" }, body);
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.headers.vary).toBe("Accept-Encoding");
    const page = ZPullResponse.parse(JSON.parse(gunzipSync(gzipped.body).toString()));
    expect(page.changes).toHaveLength(400);
    expect(sansClock(page)).toEqual(sansClock(await pullPage(viaNext, token, 1000)));
  });
});
