// An API path that no route serves answers the protocol's 404 envelope (app/api/[...path]), for
// every method, and known routes are not shadowed by it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("unknown API paths", () => {
  for (const [method, path] of [
    ["GET", "/api/v1/sync/nothing-here"],
    ["POST", "/api/v1/sync/push/extra"],
    ["PUT", "/api/nope"],
    ["PATCH", "/api/v2/sync/pull"],
    ["DELETE", "/api/v1/uploads/a/b/c"],
  ] as const) {
    it(`${method} ${path} answers 404 not_found as JSON`, async () => {
      const response = await fetch(`${server.url}${path}`, { method });

      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await response.json()).toEqual({ error: { code: "not_found", message: "There is no such API route" } });
    });
  }

  it("leaves known routes to themselves", async () => {
    const health = await fetch(`${server.url}/api/health`);
    const push = await fetch(`${server.url}/api/v1/sync/push`, { method: "POST" });

    expect(health.status).toBe(200);
    expect(push.status).toBe(401);
  });
});
