import { expect, type Page } from "@playwright/test";
import { E2E_STAFF } from "./accounts";

export async function logIn(page: Page, role: keyof typeof E2E_STAFF): Promise<void> {
  const account = E2E_STAFF[role];
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  // The first login on a cold server also renders /overview for the first time: allow for that.
  await expect(page).toHaveURL(/\/overview/, { timeout: 20_000 });
}
