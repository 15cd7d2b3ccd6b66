// What a new user meets on a fresh install: a home page that leads to the console and the docs, a
// favicon, and overview links that open exactly the batches their numbers count.
import { expect, test } from "@playwright/test";
import { logIn } from "../support/console";
import { MobileDevice, uniqueUser } from "../support/device";

test("the home page leads to the console and the docs; /favicon.ico is an icon", async ({ page, request }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Read the API docs" }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await page.goto("/");
  await page.getByRole("link", { name: "Open the console" }).click();
  await expect(page).toHaveURL(/\/login/);
  const icon = await request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image\//);
});

test("the overview's rejected-or-failed link opens those batches of its window", async ({ page, request }) => {
  const userId = uniqueUser("first-run");
  const device = await MobileDevice.open(request, userId);
  const rejected = await device.push([{ type: "nosuchtype", action: "create", data: {} }]);
  expect(rejected.status).toBe("rejected");

  await logIn(page, "viewer");
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Failed batches", exact: true }) });
  const counted = Number((await card.locator("dl > div").filter({ hasText: "rejected or failed" }).locator("dd").textContent())?.replace(/[^\d]/g, ""));
  expect(counted).toBeGreaterThanOrEqual(1);
  await card.getByRole("link", { name: "Rejected or failed" }).click();
  await expect(page).toHaveURL(/status=rejected_or_failed.*since=.*until=/);
  await expect(page.getByText("(the overview's window)")).toBeVisible();
  const rows = page.getByRole("table", { name: "Sync batches" }).locator("tbody tr");
  await expect(rows.filter({ hasText: device.deviceId })).toHaveCount(1);
  // Every row is one the card counts, and (up to a page) as many as it counts.
  const statuses = await rows.locator("td:nth-child(9)").allTextContents();
  expect(statuses.length).toBeGreaterThanOrEqual(Math.min(counted, 50));
  for (const status of statuses) expect(["rejected", "failed"]).toContain(status.trim());
});
