// Compression on the production server (docs/protocol.md "Compression"): Next's own gzip is off
// for mobile answers (no-transform), so a small answer leaves as plain JSON even to a client that
// accepts gzip, and a large pull page is gzipped (Next's compression, also beside Next) and
// unpacks to the page.
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { expect, test } from "../support/fixtures";

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer };

/** A POST through node:http: the body arrives as sent, not unpacked as fetch would. */
function rawPost(url: string, jwt: string, body: unknown): Promise<Raw> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json", "content-length": Buffer.byteLength(text), "accept-encoding": "gzip, deflate, br" },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(text);
  });
}

test("a small answer is plain JSON and a large pull page is gzip, to a client that accepts gzip", async ({ baseURL, device }) => {
  const { jwt, deviceId } = device;
  const boot = await rawPost(`${baseURL}/api/v1/sync/bootstrap`, jwt, { device_id: deviceId });
  expect(boot.headers["content-encoding"]).toBeUndefined();
  const { token } = JSON.parse(boot.bytes.toString("utf8")) as { token: string };
  const items = Array.from({ length: 300 }, (_, i) => ({
    type: "memo", id: `gzip-${i}`, action: "create", data: { content: `memo ${i} `.repeat(20), tags: [], pinned: false },
  }));
  const pushed = await rawPost(`${baseURL}/api/v1/sync/push`, jwt, { device_id: deviceId, bundle_id: 1, items });
  expect(pushed.status).toBe(200);
  expect(pushed.headers["content-encoding"]).toBeUndefined();
  expect(pushed.headers["cache-control"]).toBe("no-store, no-transform");
  // Served beside Next (server/http/beside-next-routes.ts), a small answer keeps its length;
  // Next's pipeline drops a route's Content-Length and sends it chunked.
  expect(pushed.headers["content-length"]).toBe(String(pushed.bytes.byteLength));
  expect(boot.headers["content-length"]).toBe(String(boot.bytes.byteLength));
  expect((JSON.parse(pushed.bytes.toString("utf8")) as { status: string }).status).toBe("applied");

  const pulled = await rawPost(`${baseURL}/api/v1/sync/pull`, jwt, { token, limit: 1000 });
  expect(pulled.status).toBe(200);
  expect(pulled.headers["content-encoding"]).toBe("gzip");
  const page = JSON.parse(gunzipSync(pulled.bytes).toString("utf8")) as { changes: { id: string }[] };
  expect(page.changes.map((c) => c.id)).toEqual(items.map((i) => i.id));
});
