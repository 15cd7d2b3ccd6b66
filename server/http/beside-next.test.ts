// The dispatcher beside Next, on a real HTTP server whose own handler stands for Next: the routes
// of beside-next-routes.ts must take their requests and answer them exactly as Next's route
// (app/api/**/route.ts) does, and leave every other request to Next.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "@syncdesk/protocol";

// Before any module reads env(): secrets of a test process, no log output. No database is opened:
// every request below is refused before the handler would need one.
const JWT_SECRET = "beside-next-test-jwt-secret-0123456789-abcdef";
process.env.SYNC_JWT_SECRET = JWT_SECRET;
process.env.SYNC_TOKEN_SECRET = "beside-next-test-token-secret-0123456789-abc";
process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "syncdesk-beside-"));
process.env.LOG_LEVEL = "silent";

const { routeHeaders, serveBesideNext, webRequestOf } = await import("./beside-next");
type BesideNextRoute = import("./beside-next").BesideNextRoute;
const { BESIDE_NEXT_ROUTES } = await import("./beside-next-routes");
const { nodeBodyStream } = await import("./beside-next-handler");
const { writeAnswer } = await import("./beside-next-answer");
const { jsonText } = await import("./json-response");
const { mintDeviceJwt } = await import("./dev-token");
const pull = await import("@/app/api/v1/sync/pull/route");
const push = await import("@/app/api/v1/sync/push/route");
const bootstrap = await import("@/app/api/v1/sync/bootstrap/route");
const ack = await import("@/app/api/v1/sync/ack/route");

const taken: BesideNextRoute = (req, res) => {
  if (req.url !== "/beside") return false;
  res.writeHead(200).end("beside");
  return true;
};
const declines: BesideNextRoute = () => false;
/** Answers `text` (a JSON string) as a route's answer beside Next. */
const answering = (url: string, text: string): BesideNextRoute => (req, res, production) => {
  if (req.url !== url) return false;
  void writeAnswer(req, res, jsonText(text), production);
  return true;
};
const BIG = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ id: `memo-${i}`, content: "hello" })) });
const SMALL = JSON.stringify({ ok: true });

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/**
 * One request, as raw as a client sees it (no decompression); `chunked` sends the body without a
 * length, a `content-length` in `headers` is sent as it is (a client that lies about its body).
 */
function send(base: string, method: string, url: string, headers: Record<string, string>, body?: Buffer, chunked = false): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${url}`, { method, headers: { ...(body && !chunked ? { "content-length": String(body.byteLength) } : {}), ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

// Framing and the time of day: how the two servers carry an answer, not what it says.
const TRANSPORT = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);

describe("requests served beside Next", () => {
  let server: http.Server;
  let base = "";
  beforeAll(async () => {
    serveBesideNext([...BESIDE_NEXT_ROUTES, declines, taken, answering("/big", BIG), answering("/small", SMALL)]);
    serveBesideNext([() => { throw new Error("a second install must be ignored"); }]);
    // Next, as far as this test can tell: it marks what it answers.
    server = http.createServer((_req, res) => res.writeHead(200, { "x-served-by": "next" }).end("next"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("go to the first route that takes them; the rest to the server's own handler", async () => {
    expect(await (await fetch(`${base}/beside`)).text()).toBe("beside");
    expect(await (await fetch(`${base}/other`)).text()).toBe("next");
    expect(await (await fetch(`${base}/beside?x=1`)).text()).toBe("next");
  });

  it("make a web Request from the path alone, whatever the Host header says", async () => {
    const seen = new Promise<Request>((resolve) => {
      const probe = http.createServer((req, res) => {
        resolve(webRequestOf(req, "PUT", new AbortController().signal));
        res.end();
        probe.close();
      });
      probe.listen(0, "127.0.0.1", () => {
        const port = (probe.address() as AddressInfo).port;
        http.request({ port, host: "127.0.0.1", path: "/a/b?c=1", method: "PUT", headers: { host: "evil.example", "x-one": "1" } }).end();
      });
    });
    const request = await seen;
    expect(request.url).toBe("http://localhost/a/b?c=1");
    expect(request.method).toBe("PUT");
    expect(request.headers.get("x-one")).toBe("1");
  });

  it("hand a request's body to the handler as the web Request's body", async () => {
    const seen = new Promise<string>((resolve) => {
      const probe = http.createServer((req, res) => {
        void webRequestOf(req, "POST", new AbortController().signal, nodeBodyStream(req)).text().then((text) => {
          resolve(text);
          res.end();
          probe.close();
        });
      });
      probe.listen(0, "127.0.0.1", () => void send(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`, "POST", "/", {}, Buffer.from("x".repeat(200_000)), true));
    });
    expect(await seen).toBe("x".repeat(200_000));
  });

  describe("the sync routes", () => {
    const SYNC = [
      { method: "POST", url: "/api/v1/sync/pull", next: pull.POST },
      { method: "GET", url: "/api/v1/sync/pull?limit=5", next: pull.GET },
      { method: "POST", url: "/api/v1/sync/push", next: push.POST },
      { method: "POST", url: "/api/v1/sync/bootstrap", next: bootstrap.POST },
      { method: "POST", url: "/api/v1/sync/ack", next: ack.POST },
    ] as const;
    const WITH_BODY = SYNC.filter((route) => route.method === "POST");
    let jwt = "";
    beforeAll(async () => {
      jwt = await mintDeviceJwt({ userId: "alice", secret: JWT_SECRET });
    });

    /** Sends the request beside Next and to Next's route handler itself; both answers must be the same. */
    async function expectSameAnswer(route: (typeof SYNC)[number], headers: Record<string, string>, body?: Buffer, chunked = false): Promise<Raw> {
      const sent = { "x-request-id": "beside-next-test", ...headers };
      const beside = await send(base, route.method, route.url, sent, body, chunked);
      const direct = await route.next(new Request(`http://localhost${route.url}`, { method: route.method, headers: sent, body: body && new Uint8Array(body) }));
      expect(beside.headers["x-served-by"], `${route.method} ${route.url} went to Next`).toBeUndefined();
      expect(beside.status).toBe(direct.status);
      expect(JSON.parse(beside.body.toString())).toEqual(await direct.json());
      const expected = { ...routeHeaders(false), ...Object.fromEntries(direct.headers) };
      for (const [name, value] of Object.entries(expected)) {
        if (name !== "content-length") expect(beside.headers[name.toLowerCase()], name).toBe(value);
      }
      const extra = Object.keys(beside.headers).filter((name) => !TRANSPORT.has(name) && !Object.keys(expected).some((e) => e.toLowerCase() === name));
      expect(extra).toEqual([]);
      return beside;
    }

    it("answer a request without a token as Next's route does (401, the error envelope)", async () => {
      for (const route of SYNC) {
        const answer = await expectSameAnswer(route, route.method === "POST" ? { "content-type": "application/json" } : {}, route.method === "POST" ? Buffer.from("{}") : undefined);
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.body.toString())).toMatchObject({ error: { code: "unauthorized" } });
      }
    });

    it("answer a malformed body as Next's route does (400, never a 500)", async () => {
      for (const route of WITH_BODY) {
        const auth = { authorization: `Bearer ${jwt}` };
        for (const [headers, body] of [
          [{ ...auth, "content-type": "application/json" }, Buffer.from('{"device_id": "phone", ')],
          [{ ...auth, "content-type": "text/plain" }, Buffer.from("{}")],
          [{ ...auth, "content-type": "application/json" }, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
        ] as const) {
          const answer = await expectSameAnswer(route, headers, body);
          expect(answer.status).toBe(400);
          expect(JSON.parse(answer.body.toString())).toMatchObject({ error: { code: "invalid_request" } });
        }
      }
    });

    it("refuse a body over the limit, declared or streamed, as Next's route does (413)", async () => {
      const json = { authorization: `Bearer ${jwt}`, "content-type": "application/json" };
      // Declared: refused before a byte is read (the client sends less, so none is left unread
      // when the server closes). Streamed: refused as the byte past the limit arrives.
      const cases = [[{ ...json, "content-length": String(LIMITS.maxBodyBytes + 1) }, Buffer.from("{}"), false], [json, Buffer.alloc(LIMITS.maxBodyBytes + 1, 0x20), true]] as const;
      for (const route of WITH_BODY) {
        for (const [headers, body, chunked] of cases) {
          const answer = await expectSameAnswer(route, headers, body, chunked);
          expect(answer.status).toBe(413);
          expect(answer.headers.connection).toBe("close");
          expect(JSON.parse(answer.body.toString())).toMatchObject({ error: { code: "payload_too_large", details: { limit: LIMITS.maxBodyBytes } } });
        }
      }
    });

    it("leave to Next what its route would not take: another method, another path", async () => {
      for (const [method, url] of [["PUT", "/api/v1/sync/push"], ["HEAD", "/api/v1/sync/pull"], ["POST", "/api/v1/sync/pull/"], ["POST", "/api/v1/sync/pullx"], ["POST", "/api/v1/sync/%70ull"]] as const) {
        const answer = await send(base, method, url, {});
        expect(answer.headers["x-served-by"], `${method} ${url}`).toBe("next");
      }
    });
  });

  describe("answers", () => {
    it("gzip a large answer for a client that asks, as Next's compression does", async () => {
      const gzipped = await send(base, "GET", "/big", { "accept-encoding": "gzip, deflate" });
      expect(gzipped.headers["content-encoding"]).toBe("gzip");
      expect(gzipped.headers.vary).toBe("Accept-Encoding");
      expect(gunzipSync(gzipped.body).toString()).toBe(BIG);
      const plain = await send(base, "GET", "/big", {});
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers.vary).toBe("Accept-Encoding");
      expect(plain.body.toString()).toBe(BIG);
      for (const [name, value] of Object.entries(routeHeaders(false))) expect(plain.headers[name.toLowerCase()]).toBe(value);
    });

    it("send a small answer as it is (no-transform), with its length", async () => {
      const small = await send(base, "GET", "/small", { "accept-encoding": "gzip" });
      expect(small.headers["content-encoding"]).toBeUndefined();
      expect(small.headers.vary).toBeUndefined();
      expect(small.headers["content-length"]).toBe(String(SMALL.length));
      expect(small.body.toString()).toBe(SMALL);
    });
  });
});
