import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveBesideNext, webRequestOf, type BesideNextRoute } from "./beside-next";

const taken: BesideNextRoute = (req, res) => {
  if (req.url !== "/beside") return false;
  res.writeHead(200).end("beside");
  return true;
};
const declines: BesideNextRoute = () => false;

describe("requests served beside Next", () => {
  let server: http.Server;
  let base = "";
  beforeAll(async () => {
    serveBesideNext([declines, taken]);
    serveBesideNext([() => { throw new Error("a second install must be ignored"); }]);
    server = http.createServer((_req, res) => res.writeHead(200).end("next"));
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
});
