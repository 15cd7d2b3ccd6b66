import { ZErrorBody } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";

// Next itself answers a bare 500 when a path segment is not percent-encoded UTF-8 (it decodes the
// route's params before any handler runs); proxy.ts refuses such paths first. The in-process test
// server of the vitest suites does not route like Next, so this runs against the production build.
const UNDECODABLE = ["%ED%A0%80", "%E0", "%C3%28", "%FF"];

test.describe("paths that are not percent-encoded UTF-8", () => {
  for (const segment of UNDECODABLE) {
    test(`mobile and console API routes answer 400 invalid_request for ${segment}`, async ({ request }) => {
      const calls = [
        request.get(`/api/v1/blobs/${segment}`),
        request.get(`/api/v1/uploads/${segment}`),
        request.put(`/api/v1/uploads/${segment}`, { data: Buffer.from("chunk"), headers: { "content-range": "bytes 0-4/5" } }),
        request.post(`/api/v1/uploads/${segment}/complete`, { data: { sha256: "0".repeat(64) } }),
        request.patch(`/api/v1/tus/${segment}`, { data: Buffer.from("chunk") }),
        request.put(`/api/v1/media/files/${segment}`, { data: Buffer.from("chunk") }),
        request.get(`/api/console/blobs/${segment}`),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.status(), response.url()).toBe(400);
        expect(ZErrorBody.parse(await response.json())).toEqual({
          error: { code: "invalid_request", message: "The URL path is not valid percent-encoded UTF-8" },
        });
      }
    });
  }

  test("a console page answers 400 with a plain message", async ({ request }) => {
    const response = await request.get("/devices/%E0");

    expect(response.status()).toBe(400);
    expect(await response.text()).toBe("The URL path is not valid percent-encoded UTF-8");
  });

  test("well-formed escapes still reach the routes", async ({ request }) => {
    const response = await request.get("/api/v1/blobs/a%20b");

    // Reaches the blob route, which asks who is calling.
    expect(response.status()).toBe(401);
    expect(ZErrorBody.parse(await response.json()).error.code).toBe("unauthorized");
  });
});
