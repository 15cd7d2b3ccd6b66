// A support person answers "what happened to this user's data?": from the user's page to their
// records, one record's history (who changed it, from which device and batch, and what changed).
import { expect, test } from "@playwright/test";
import { logIn } from "../support/console";
import { MobileDevice, uniqueUser } from "../support/device";

const memo = (content: string, pinned = false) => ({ content, tags: ["e2e"], pinned });

test("a viewer finds a user's record by field value and reads its history, version by version", async ({ page, request }) => {
  const userId = uniqueUser("records");
  const phone = await MobileDevice.open(request, userId, { deviceId: `${userId}-phone` });
  await phone.push([
    { type: "memo", id: "shopping", action: "create", data: memo("milk") },
    { type: "memo", id: "ideas", action: "create", data: memo("a console", true) },
  ]);
  await phone.push([{ type: "memo", id: "shopping", action: "update", base_version: 1, data: memo("milk, eggs", true) }]);

  await logIn(page, "viewer");
  await page.goto("/users");
  await page.getByRole("search").getByLabel("Search").fill(userId);
  await page.getByRole("search").getByLabel("Search").press("Enter");
  await page.getByRole("table", { name: "Users" }).getByRole("link", { name: userId }).click();
  await expect(page.getByRole("heading", { name: `User ${userId}` })).toBeVisible();
  await expect(page.getByRole("table", { name: "Devices of this user" })).toContainText(`${userId}-phone`);
  await expect(page.getByRole("table", { name: "Records of this user by type" }).getByRole("row").filter({ hasText: "memo" })).toContainText("2");
  await expect(page.getByRole("table", { name: "Recent sync batches of this user" }).getByRole("row")).toHaveCount(3);

  await page.getByRole("link", { name: "Browse this user’s records" }).click();
  const table = page.getByRole("table", { name: "Records" });
  await expect(table.getByRole("row")).toHaveCount(3);
  const filter = async (label: string, value: string, inUrl: string) => {
    const input = page.getByRole("search").getByLabel(label, { exact: true });
    await input.fill(value);
    await input.press("Enter");
    await expect(page).toHaveURL(new RegExp(inUrl));
  };
  await filter("Field", "pinned", "field=pinned");
  await filter("Field value", "true", "value=true");
  await expect(table.getByRole("row")).toHaveCount(3);
  await filter("Field", "content", "field=content");
  await expect(page.getByText("No records match")).toBeVisible();
  await filter("Field value", "milk, eggs", "value=milk");
  await expect(table.getByRole("row")).toHaveCount(2);
  await table.getByRole("link", { name: "shopping" }).click();

  await expect(page.getByRole("heading", { name: "memo shopping" })).toBeVisible();
  await expect(page.getByLabel("Current data")).toContainText('"milk, eggs"');
  const v2 = page.getByRole("listitem", { name: "Version 2" });
  await expect(v2).toContainText(`Device ${userId}-phone`);
  await expect(v2.getByRole("link", { name: "batch #2" })).toBeVisible();
  const changes = v2.getByRole("table", { name: "Changes in version 2" });
  await expect(changes.getByRole("row")).toHaveCount(3);
  await expect(changes.getByRole("row").filter({ hasText: "content" })).toContainText('"milk"');
  await expect(changes.getByRole("row").filter({ hasText: "content" })).toContainText('"milk, eggs"');
  await expect(page.getByRole("listitem", { name: "Version 1" })).toContainText("added");
  // A viewer reads; restoring is for operators.
  await expect(page.getByRole("button", { name: /Restore this version|Undelete/ })).toHaveCount(0);

  await page.getByRole("main").getByRole("link", { name: userId }).first().click();
  await expect(page.getByRole("heading", { name: `User ${userId}` })).toBeVisible();
});
