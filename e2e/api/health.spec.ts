import { ZHealthResponse } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";

test.describe("GET /api/health", () => {
  test("answers ok with the database engine, uncached", async ({ request }) => {
    const response = await request.get("/api/health");

    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(response.headers()["cache-control"]).toContain("no-store");
    // The e2e server runs on a fresh embedded database (playwright.config.ts).
    expect(ZHealthResponse.parse(await response.json())).toEqual({ ok: true, db: "pglite" });
  });

  test("does not reveal the framework", async ({ request }) => {
    const response = await request.get("/api/health");

    expect(response.headers()["x-powered-by"]).toBeUndefined();
  });
});
