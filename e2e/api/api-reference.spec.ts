// The API reference (/docs/api) as a new user meets it: Swagger UI served from this origin only,
// under the console's CSP with no violation, and a push made from the page itself with a
// development token from `npm run token`, whose record the API then returns.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { E2E_SECRETS } from "../../playwright.config";
import { ZFetchResponse, ZPushResponse } from "@syncdesk/protocol";
import { expect, test } from "../support/fixtures";

/** What the README tells a developer to run, against the e2e server's secret. */
function npmRunToken(userId: string): string {
  const output = execFileSync(process.execPath, ["--import", "tsx", "scripts/token.ts", "--user", userId], {
    env: { NODE_ENV: "development", PATH: process.env.PATH, SYNC_JWT_SECRET: E2E_SECRETS.SYNC_JWT_SECRET, SYNC_TOKEN_SECRET: E2E_SECRETS.SYNC_TOKEN_SECRET },
    stdio: ["ignore", "pipe", "ignore"],
  });
  return output.toString().trim();
}

test.describe("the API reference", () => {
  test("loads from this origin only, without a CSP violation, and pushes a record from 'Try it out'", async ({ page, request, baseURL }) => {
    const origins = new Set<string>();
    page.on("request", (r) => origins.add(new URL(r.url()).origin));
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });

    const userId = `reference-${randomUUID()}`;
    const token = npmRunToken(userId);
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

    await page.goto("/docs/api");
    // Swagger UI is a 1.7 MB chunk loaded after the first paint: give a busy machine time.
    await expect(page.getByRole("heading", { name: /Syncdesk mobile sync API/ })).toBeVisible({ timeout: 30_000 });
    // Every error code is in the description's table.
    await expect(page.locator(".swagger-ui .info")).toContainText("idempotency_conflict");

    // Authorize: the development token goes in the device JWT scheme.
    await page.locator(".swagger-ui button.authorize").first().click();
    const auth = page.locator(".modal-ux .auth-container").filter({ hasText: "deviceJwt" });
    await auth.getByRole("textbox").fill(token);
    await auth.getByRole("button", { name: "Apply credentials" }).click();
    await expect(auth).toContainText("Authorized");
    await auth.getByRole("button", { name: "Close" }).click();

    // Push: the prefilled example body, with a record id of this test's own.
    const push = page.locator("#operations-sync-push");
    await push.locator(".opblock-summary").first().click();
    await push.getByRole("button", { name: "Try it out" }).click();
    const bodyField = push.locator("textarea.body-param__text");
    const example = z.object({ items: z.array(z.object({ id: z.string(), type: z.string(), data: z.record(z.string(), z.unknown()) }).loose()) }).loose().parse(JSON.parse(await bodyField.inputValue()));
    const [item] = example.items;
    if (!item) throw new Error("the push example has no item");
    const recordId = randomUUID();
    await bodyField.fill(JSON.stringify({ ...example, items: [{ ...item, id: recordId }] }, null, 2));

    const sent = page.waitForRequest((r) => r.url() === `${baseURL}/api/v1/sync/push` && r.method() === "POST");
    await push.getByRole("button", { name: "Execute" }).click();
    expect((await sent).headers().authorization).toBe(`Bearer ${token}`);

    // What the page shows: the server's 200 and the item applied.
    const live = push.locator(".live-responses-table");
    const answer = live.locator("tr.response");
    await expect(answer.locator(".response-col_status")).toHaveText("200");
    const shown = ZPushResponse.parse(JSON.parse(await answer.locator(".response-col_description pre").first().innerText()));
    expect(shown.status).toBe("applied");
    expect(shown.results).toEqual([expect.objectContaining({ id: recordId, status: "ok", version: 1 })]);

    // And the API, asked directly, has the record with the example's data.
    const fetched = await request.post("/api/v1/sync/fetch", {
      headers: { authorization: `Bearer ${token}` },
      data: { items: [{ type: item.type, id: recordId }] },
    });
    expect(fetched.status()).toBe(200);
    const { records } = ZFetchResponse.parse(await fetched.json());
    expect(records).toEqual([expect.objectContaining({ type: item.type, id: recordId, stream: `user:${userId}`, data: item.data, version: 1 })]);

    expect([...origins]).toEqual([new URL(baseURL ?? "").origin]);
    expect(z.array(z.string()).parse(await page.evaluate(() => Reflect.get(window, "cspViolations")))).toEqual([]);
  });
});
