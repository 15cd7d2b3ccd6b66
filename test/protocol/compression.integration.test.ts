// Which mobile answers may be compressed (docs/protocol.md "Compression"): a small one says
// no-transform (Next and proxies leave it alone), a large pull page does not (Next gzips it for a
// client that accepts gzip; e2e/api/compression.spec.ts checks that on the production server).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPRESS_FROM_BYTES } from "@/server/http/json-response";
import { ZPullResponse } from "@syncdesk/protocol";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { freshToken, memoCreates } from "../support/sync-client";
import { bodyOf } from "../support/answers";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("compression of mobile answers", () => {
  it("marks a small answer no-transform and leaves a large pull page compressible", async () => {
    const device = await makeDevice(server.url, "compress");
    const token = await freshToken(device);
    const first = await device.call("POST", "/api/v1/sync/push", { device_id: device.deviceId, bundle_id: 1, items: memoCreates(200, "a") });
    expect(first.status).toBe(200);
    const pushed = await device.call("POST", "/api/v1/sync/push", { device_id: device.deviceId, bundle_id: 2, items: memoCreates(200, "b") });
    expect(pushed.status).toBe(200);
    expect(Number(pushed.headers.get("content-length"))).toBeLessThan(COMPRESS_FROM_BYTES);
    expect(pushed.headers.get("cache-control")).toBe("no-store, no-transform");

    const pulled = await device.call("POST", "/api/v1/sync/pull", { token, limit: 1000 });
    expect(pulled.status).toBe(200);
    expect(bodyOf(pulled, ZPullResponse).changes).toHaveLength(400);
    expect(Number(pulled.headers.get("content-length"))).toBeGreaterThanOrEqual(COMPRESS_FROM_BYTES);
    expect(pulled.headers.get("cache-control")).toBe("no-store");
  });

  it("marks an error answer no-transform", async () => {
    const device = await makeDevice(server.url, "compress-error");
    const refused = await device.call("POST", "/api/v1/sync/push", { device_id: device.deviceId });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("cache-control")).toBe("no-store, no-transform");
  });
});
