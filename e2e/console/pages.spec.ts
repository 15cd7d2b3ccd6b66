// An admin walks through every page of the console and finds the data devices made through the
// mobile API: one user with a phone and a tablet in conflict, and a laptop whose push partly failed.
import type { Page } from "@playwright/test";
import type { MobileDevice } from "../support/device";
import { expect, test, type Fixtures } from "../support/fixtures";
import type { MeterConflict } from "../support/scenarios";

type Fleet = { conflict: MeterConflict; laptop: MobileDevice; failedBatchId: string; missingId: string };

async function makeFleet({ meterConflict, openDevice }: Pick<Fixtures, "meterConflict" | "openDevice">): Promise<Fleet> {
  const conflict = await meterConflict();
  const laptop = await openDevice(conflict.userId, { deviceId: `${conflict.userId}-laptop`, platform: "web", appVersion: "3.2.0" });
  const missingId = `diary-${conflict.userId}`;
  const pushed = await laptop.push([
    { type: "diary", action: "create", data: { date: "2026-11-20", mood: "calm", summary: "Long walk by the river." } },
    { type: "diary", action: "update", id: missingId, base_version: 1, data: { date: "2026-11-21", mood: "busy", summary: "Inventory day." } },
  ]);
  expect(pushed.status).toBe("partial");
  return { conflict, laptop, failedBatchId: pushed.batch_id, missingId };
}

/** The number beside a label on an overview panel. */
async function panelNumber(page: Page, panel: string, label: string): Promise<number> {
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: panel, exact: true }) });
  const value = card.locator("dl > div").filter({ has: page.getByText(label, { exact: true }) }).locator("dd");
  return Number((await value.textContent())?.replace(/[^\d]/g, ""));
}

test("an admin visits every page and sees what the devices did", async ({ page, meterConflict, openDevice, staffPage }) => {
  const { conflict, laptop, failedBatchId, missingId } = await makeFleet({ meterConflict, openDevice });
  const { userId } = conflict;
  await staffPage("admin");

  // Overview: charts over 24 h and 7 days, with numbers that count this fleet.
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Conflicts opened and resolved per hour\./ })).toBeVisible();
  expect(await panelNumber(page, "Active devices", "devices seen in the window")).toBeGreaterThanOrEqual(3);
  expect(await panelNumber(page, "Pushes and acks", "pushes")).toBeGreaterThanOrEqual(4);
  expect(await panelNumber(page, "Conflicts", "open now")).toBeGreaterThanOrEqual(1);
  expect(await panelNumber(page, "Failed batches", "partial")).toBeGreaterThanOrEqual(1);
  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\/overview\?window=7d$/);
  await expect(page.getByRole("img", { name: /^Conflicts opened and resolved per day\./ })).toBeVisible();

  // Devices: the user's three installs, with platform, version, open conflicts and last error.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Devices" }).click();
  await page.getByLabel("User id").fill(userId);
  await page.getByLabel("User id").press("Enter");
  await expect(page).toHaveURL(new RegExp(`/devices\\?user=${userId}$`));
  const devices = page.getByRole("table", { name: "Devices" });
  await expect(devices.getByRole("row")).toHaveCount(4);
  const phoneRow = devices.getByRole("row").filter({ hasText: conflict.phone.deviceId });
  await expect(phoneRow.getByRole("cell")).toContainText([userId, conflict.phone.deviceId, "ios", "3.2.0"]);
  await expect(phoneRow.getByRole("link", { name: "1", exact: true })).toBeVisible();
  await expect(devices.getByRole("row").filter({ hasText: laptop.deviceId })).toContainText("not_found");

  // A device page: details, streams with lag, and its recent batches.
  await phoneRow.getByRole("link", { name: conflict.phone.deviceId }).click();
  await expect(page.getByRole("heading", { name: `Device ${conflict.phone.deviceId}` })).toBeVisible();
  await expect(page.getByRole("link", { name: "1 open" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Streams of this device" })).toContainText(`user:${userId}`);
  const recent = page.getByRole("table", { name: "Recent sync batches of this device" });
  await expect(recent.getByRole("row")).toHaveCount(3);
  await expect(recent).toContainText("#1");
  await expect(recent).toContainText("#2");

  // Sync batches: filtered to the user, then the failed one.
  await page.goto(`/batches?user=${userId}`);
  const batches = page.getByRole("table", { name: "Sync batches" });
  await expect(batches.getByRole("row")).toHaveCount(5);
  await page.getByLabel("Status").selectOption("partial");
  await expect(page).toHaveURL(/status=partial/);
  await expect(batches.getByRole("row")).toHaveCount(2);
  await batches.getByRole("row").filter({ hasText: laptop.deviceId }).getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/batches/${failedBatchId}$`));

  // A batch page: summary, items as pushed, and the raw request and answer.
  await expect(page.getByRole("heading", { name: "Sync batch #1" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Items of this batch" }).getByRole("row").filter({ hasText: missingId })).toContainText("not_found");
  await expect(page.getByLabel("Raw request JSON")).toContainText('"summary": "Inventory day."');
  await expect(page.getByLabel("Stored response JSON")).toContainText('"status": "partial"');
  await expect(page.getByRole("button", { name: "Replay failed items" })).toBeEnabled();

  // The conflict inbox and the side-by-side page.
  await page.goto(`/conflicts?user=${userId}`);
  const inbox = page.getByRole("table", { name: "Conflicts" });
  await expect(inbox.getByRole("row")).toHaveCount(2);
  await expect(inbox).toContainText(conflict.phone.deviceId);
  await expect(page.getByRole("button", { name: "Next page" })).toBeDisabled();
  await inbox.getByRole("link", { name: `meter ${conflict.recordId}` }).click();
  await expect(page.getByRole("heading", { name: `Conflict on meter ${conflict.recordId}` })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Base v1/ })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Server v2/ })).toBeVisible();
  const reading = page.getByRole("table", { name: "Field by field comparison" }).getByRole("row").filter({ hasText: "reading" });
  await expect(reading).toContainText("differs");
  await expect(reading.getByRole("cell")).toHaveText([/100$/, /110$/, /105$/]);
  await expect(page.getByRole("button", { name: "Manual merge" })).toBeVisible();

  // The audit log: this admin's login, by email.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await page.getByLabel("Action").fill("staff.login");
  await page.getByLabel("Action").press("Enter");
  await expect(page).toHaveURL(/action=staff.login/);
  await expect(page.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ hasText: "admin@e2e.test" }).first()).toContainText("staff.login");
});

test("a link to a missing record says so instead of failing", async ({ page, staffPage }) => {
  await staffPage("viewer");
  for (const [path, text] of [
    ["/devices/00000000-0000-4000-8000-000000000000", "No such device"],
    ["/batches/00000000-0000-4000-8000-000000000000", "No such sync batch"],
    ["/conflicts/00000000-0000-4000-8000-000000000000", "No such conflict"],
    ["/batches/not-a-uuid", "No such sync batch"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("status").filter({ hasText: text })).toBeVisible();
  }
});
