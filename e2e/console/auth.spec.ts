import { randomUUID } from "node:crypto";
import { E2E_STAFF } from "../support/accounts";
import { expect, test } from "../support/fixtures";

test("logged-out visitors are sent to the login page", async ({ page }) => {
  await page.goto("/overview?window=7d");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Log in to Syncdesk" })).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_STAFF.admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});

test("staff log in, see their role, and log out", async ({ staffPage }) => {
  const page = await staffPage("operator");
  await expect(page.getByTestId("staff-role")).toHaveText("operator");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/login$/);
});

test("logged out, a console procedure answers 401 and a deep link leads to the login page", async ({ page }) => {
  const call = await page.request.post("/api/trpc/devices.revoke", { data: { json: { id: randomUUID() } }, headers: { "x-syncdesk-csrf": "1" } });
  expect(call.status()).toBe(401);
  expect(await call.json()).toMatchObject({ error: { json: { data: { code: "UNAUTHORIZED" } } } });
  await page.goto(`/conflicts/${randomUUID()}`);
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Log in to Syncdesk" })).toBeVisible();
});

test.describe("before the page is interactive", () => {
  test.use({ javaScriptEnabled: false });

  test("the login button is disabled, so a password never lands in a URL", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByLabel("Password")).toBeVisible();
    await expect(page.getByRole("button", { name: "Log in" })).toBeDisabled();
  });
});
