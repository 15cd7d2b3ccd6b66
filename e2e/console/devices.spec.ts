// An operator revokes a lost phone: its next mobile request is refused with 403 device_revoked,
// until it is restored. Both actions land in the audit log.
import { ZErrorBody } from "@syncdesk/protocol";
import { expectAudited } from "../support/audit";
import { uniqueUser } from "../support/device";
import { expect, test } from "../support/fixtures";

const OPERATOR = "operator@e2e.test";
const note = (content: string) => ({ type: "memo", action: "create" as const, data: { content, tags: [], pinned: false } });

test("an operator revokes a device, which is then refused, and restores it", async ({ page, openDevice, staffPage }) => {
  const userId = uniqueUser();
  const device = await openDevice(userId, { deviceId: `${userId}-lost-phone`, platform: "ios", appVersion: "3.0.9" });
  await device.push([note("Before it was lost")]);
  await device.bootstrap();

  await staffPage("operator");
  await page.goto(`/devices?user=${userId}`);
  const rows = page.getByRole("table", { name: "Devices" }).getByRole("row").filter({ hasText: device.deviceId });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("active");
  await rows.getByRole("link", { name: device.deviceId }).click();
  await expect(page.getByRole("heading", { name: `Device ${device.deviceId}` })).toBeVisible();
  const deviceRef = new URL(page.url()).pathname.split("/").at(-1) ?? "";

  await page.getByRole("button", { name: "Revoke device" }).click();
  const confirm = page.getByRole("group", { name: "Confirm revoke" });
  await expect(confirm).toContainText("403 device_revoked");
  await confirm.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByTestId("device-action-status")).toHaveText("Device revoked.");
  await expect(page.getByRole("button", { name: "Restore device" })).toBeVisible();

  // Its next requests are refused, and the refused push writes nothing.
  const refused = await device.post("/sync/push", device.bundle([note("Written by whoever found it")]));
  expect(refused.status()).toBe(403);
  expect(ZErrorBody.parse(await refused.json()).error.code).toBe("device_revoked");
  const refusedList = await device.get("/conflicts?status=all");
  expect(refusedList.status()).toBe(403);
  expect(ZErrorBody.parse(await refusedList.json()).error.code).toBe("device_revoked");

  await page.getByRole("button", { name: "Restore device" }).click();
  await page.getByRole("group", { name: "Confirm restore" }).getByRole("button", { name: "Yes, restore" }).click();
  await expect(page.getByTestId("device-action-status")).toHaveText("Device restored.");
  await expect(page.getByRole("button", { name: "Revoke device" })).toBeVisible();

  // It syncs again, and finds only what was written after the restore.
  expect(await device.pull()).toEqual([]);
  const again = await device.push([note("Found it in the car")]);
  expect(again.status).toBe("applied");
  const changes = await device.pull();
  expect(changes.map((c) => c.data?.content)).toEqual(["Found it in the car"]);

  const revoked = await expectAudited(page, { action: "device.revoke", actor: OPERATOR, target: { type: "device", id: deviceRef } });
  await expect(revoked).toContainText(`"device_id": "${device.deviceId}"`);
  await expect(revoked).toContainText('"revoked_at": null');
  const restored = await expectAudited(page, { action: "device.restore", actor: OPERATOR, target: { type: "device", id: deviceRef } });
  await expect(restored).toContainText(`"device_id": "${device.deviceId}"`);
});

test("a device told its history diverged shows as diverged, then as healed once it acks the new history", async ({ page, openDevice, staffPage }) => {
  const userId = uniqueUser();
  const device = await openDevice(userId, { deviceId: `${userId}-restored`, platform: "android" });
  await device.push([note("Before the restore")]);
  await device.bootstrap();
  const refused = await device.pullAfterRestore();
  expect(refused.status()).toBe(412);
  expect(ZErrorBody.parse(await refused.json()).error.details).toMatchObject({ reason: "history_diverged" });

  await staffPage("viewer");
  await page.goto(`/devices?user=${userId}&history=unhealed`);
  const rows = page.getByRole("table", { name: "Devices" }).getByRole("row").filter({ hasText: device.deviceId });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("diverged");

  // The SDK bootstraps again and acks: back on the current history.
  await device.bootstrap();
  await device.ack();
  await page.goto(`/devices?user=${userId}&history=unhealed`);
  await expect(page.getByText("No devices match")).toBeVisible();
  await page.goto(`/devices?user=${userId}&history=diverged`);
  await expect(rows).toContainText("healed");
});
