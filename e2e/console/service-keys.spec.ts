// An admin gives the team's backend a service key: refused fields are named, the key is shown
// once, it authenticates the server API, its writes appear in sync batches as a server writer, and
// once revoked it gets 401. Other roles do not see the page.
import type { APIRequestContext } from "@playwright/test";
import { CONSOLE_URL } from "../../playwright.config";
import { uniqueUser } from "../support/device";
import { expect, test } from "../support/fixtures";

const records = (request: APIRequestContext, key: string) =>
  request.get(`${CONSOLE_URL}/api/v1/server/records`, { headers: { authorization: `Bearer ${key}` } });

test("an admin creates a key, sees it once, its writes show as a server writer, and revokes it", async ({ page, request, staffPage }) => {
  const name = uniqueUser("backend");
  await staffPage("admin");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Service keys" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Service keys" })).toBeVisible();
  const form = page.getByRole("form", { name: "Create a service key" });

  // Refused input: each message beside its field, and no key made.
  await form.getByLabel("Name", { exact: true }).fill("not a name!");
  await form.getByLabel("read").uncheck();
  await form.getByLabel(/^Streams/).fill("no-colon");
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#key-name-error")).toContainText("letters, digits");
  await expect(page.locator("#key-scopes-error")).toBeVisible();
  await expect(page.locator("#key-streams-error")).toContainText("a stream name");
  await expect(page.getByTestId("new-service-key")).toHaveCount(0);

  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("read").check();
  await form.getByLabel("write").check();
  await form.getByLabel(/^Streams/).fill("org:*");
  await form.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("new-service-key");
  await expect(shown).toHaveText(/^sdk_/);
  await expect(page.getByText("you will not see it again")).toBeVisible();
  const key = (await shown.textContent()) ?? "";
  const row = page.getByRole("table", { name: "Service keys" }).getByRole("row", { name });
  await expect(row).toContainText(key.slice(0, 10));
  await expect(row).toContainText("org:*");
  await expect(row).toContainText("admin@e2e.test");
  expect((await records(request, key)).status()).toBe(200);

  // Shown once: after a reload the page holds only the prefix.
  await page.reload();
  await expect(page.getByRole("table", { name: "Service keys" }).getByRole("row", { name })).toBeVisible();
  await expect(page.getByTestId("new-service-key")).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  // Its writes are listed in sync batches as a server writer with the key's name.
  const pushed = await request.post(`${CONSOLE_URL}/api/v1/server/push`, {
    headers: { authorization: `Bearer ${key}` },
    data: { writer_id: "approver", bundle_id: 1, items: [{ type: "memo", stream: "org:e2e-keys", action: "create", data: { content: "from the backend", tags: [], pinned: false } }] },
  });
  expect(pushed.status()).toBe(200);
  await page.goto(`/batches?user=${encodeURIComponent(`service:${name}`)}`);
  await expect(page.getByTestId("batch-source")).toHaveText(`server approver (key ${name})`);

  await page.goto("/keys");
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole("group", { name: `Confirm revoking ${name}` });
  await expect(confirm).toContainText("401");
  await confirm.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByRole("table", { name: "Service keys" }).getByRole("row", { name })).toContainText("revoked");
  expect((await records(request, key)).status()).toBe(401);
});

test("a viewer neither sees the page in the nav nor any key", async ({ page, staffPage }) => {
  await staffPage("viewer");
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Service keys" })).toHaveCount(0);
  await page.goto("/keys");
  await expect(page.getByText("Only admins manage service keys")).toBeVisible();
  await expect(page.getByRole("table", { name: "Service keys" })).toHaveCount(0);
});
