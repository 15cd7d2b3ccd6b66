// The console refreshes itself: a conflict a device runs into appears in an open inbox, no reload.
import { ZErrorBody } from "@syncdesk/protocol";
import { uniqueUser } from "../support/device";
import { expect, test } from "../support/fixtures";

test("a new conflict appears in an open inbox without a reload", async ({ page, meterConflict, staffPage }) => {
  const userId = uniqueUser();
  await staffPage("support");
  await page.goto(`/conflicts?user=${userId}`);
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const table = page.getByRole("table", { name: "Conflicts" });
  await expect(table).toHaveCount(0);

  const conflict = await meterConflict(undefined, { userId });
  await expect(table.getByRole("row").filter({ hasText: conflict.recordId })).toHaveCount(1, { timeout: 15_000 });
});

test("the live stream refuses a visitor who is not logged in", async ({ request }) => {
  const response = await request.get("/api/console/events");
  expect(response.status()).toBe(401);
  expect(ZErrorBody.parse(await response.json()).error.code).toBe("unauthorized");
});
