// The public and operator surfaces of a production server: the OpenAPI document and its
// reference page are public; the metrics endpoint is off (404) when METRICS_TOKEN is unset.
import { z } from "zod";
import { expect, test } from "../support/fixtures";

test.describe("operations", () => {
  test("serves the OpenAPI document and the API reference page without auth", async ({ request, page }) => {
    const doc = await request.get("/api/v1/openapi.json");
    expect(doc.status()).toBe(200);
    const body = z.object({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).parse(await doc.json());
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(["/api/v1/sync/push", "/api/v1/sync/verify", "/api/v1/sync/events"]));

    // Each type of the config the server started with (the demo's) has its data schema.
    const { components } = z.object({ components: z.object({ schemas: z.record(z.string(), z.unknown()) }) }).parse(await doc.json());
    expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(["Record", "Change", "PushItem", "MemoData", "MeterData", "BlobData"]));

    // The reference (Swagger UI) renders the same document: routes, and each type's data schema.
    await page.goto("/docs/api");
    // Swagger UI is a 1.7 MB chunk loaded after the first paint: give a busy machine time.
    await expect(page.getByRole("heading", { name: /Syncdesk mobile sync API/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("#operations-verify-verify")).toContainText("/api/v1/sync/verify");
    const meter = page.locator("section.models article[data-json-schema-level='0']").filter({ has: page.locator(".json-schema-2020-12__title", { hasText: "meter data" }) });
    await meter.locator(".json-schema-2020-12-accordion").first().click();
    await expect(meter).toContainText("Unique per stream: code");
    await expect(meter).toContainText("reading");
  });

  test("keeps /api/metrics off in production without METRICS_TOKEN", async ({ request }) => {
    const answer = await request.get("/api/metrics");
    expect(answer.status()).toBe(404);
    expect(await answer.text()).not.toContain("syncdesk_");
  });
});
