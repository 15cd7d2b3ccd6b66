// Attachments in the console: a device uploads a photo (resumable upload) and pushes records that
// reference it; staff see the image previewed on the batch page, on the conflict page (two
// devices chose different images), and among the user's uploads on the device page. The preview
// route needs a staff session.
import { createHash } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { ZCompleteResponse, ZUploadInfo } from "@syncdesk/protocol";
import { CONSOLE_URL } from "../../playwright.config";
import { uniqueUser } from "../support/device";
import { expect, test } from "../support/fixtures";

// A 1x1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

async function uploadPng(request: APIRequestContext, jwt: string, filename: string): Promise<string> {
  const headers = { authorization: `Bearer ${jwt}` };
  const created = await request.post(`${CONSOLE_URL}/api/v1/uploads`, { headers, data: { filename, size: PNG.length, content_type: "image/png" } });
  expect(created.status()).toBe(201);
  const { upload_url: url, upload_id: id } = ZUploadInfo.parse(await created.json());
  const put = await request.put(`${CONSOLE_URL}${url}`, {
    headers: { ...headers, "content-type": "application/octet-stream", "content-range": `bytes 0-${PNG.length - 1}/${PNG.length}` },
    data: PNG,
  });
  expect(put.status()).toBe(200);
  const done = await request.post(`${CONSOLE_URL}/api/v1/uploads/${id}/complete`, { headers, data: { sha256: createHash("sha256").update(PNG).digest("hex") } });
  expect(done.status()).toBe(200);
  return ZCompleteResponse.parse(await done.json()).blob.key;
}

test("staff see a batch's, a conflict's and a device's images; the preview needs a session", async ({ page, request, deviceJwt, openDevice, staffPage }) => {
  const user = uniqueUser("media");
  const phone = await openDevice(user);
  const tablet = await openDevice(user);
  const jwt = await deviceJwt(user, { expiresIn: "1h" });
  const first = await uploadPng(request, jwt, "first.png");
  const second = await uploadPng(request, jwt, "second.png");

  const created = await phone.push([{ type: "photo", id: "meter-photo", action: "create", data: { caption: "Meter 7", image: first } }]);
  expect(created.results[0]).toMatchObject({ status: "ok", version: 1 });
  // Both devices replace the image from version 1: a conflict for a person.
  await phone.push([{ type: "photo", id: "meter-photo", action: "update", base_version: 1, data: { caption: "Meter 7", image: second } }]);
  // A key that was never uploaded is an item error, not a conflict.
  const unknown = await tablet.push([{ type: "photo", id: "meter-photo", action: "update", base_version: 1, data: { caption: "Meter 7", image: `b_${"Z".repeat(22)}` } }]);
  expect(unknown.results[0]).toMatchObject({ status: "error", error: { code: "media_not_found" } });
  const third = await uploadPng(request, jwt, "third.png");
  const real = await tablet.push([{ type: "photo", id: "meter-photo", action: "update", base_version: 1, data: { caption: "Meter 7", image: third } }]);
  expect(real.results[0]).toMatchObject({ status: "conflict" });
  const conflictId = real.results[0]?.conflict?.conflict_id;
  expect(conflictId).toBeTruthy();

  // Without a staff session the preview route refuses.
  const anonymous = await request.get(`${CONSOLE_URL}/api/console/blobs/${first}`);
  expect(anonymous.status()).toBe(401);

  await staffPage("viewer");
  await page.goto(`/batches/${created.batch_id}`);
  const batchMedia = page.getByRole("listitem", { name: "Attachment first.png" });
  await expect(batchMedia).toBeVisible();
  const img = batchMedia.getByRole("img", { name: "first.png" });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(1);

  await page.goto(`/conflicts/${conflictId}`);
  await expect(page.getByRole("heading", { name: "Media on either side" })).toBeVisible();
  await expect(page.getByRole("listitem", { name: "Attachment second.png" })).toBeVisible();
  await expect(page.getByRole("listitem", { name: "Attachment third.png" })).toBeVisible();

  await page.goto(`/devices?user=${user}`);
  await page.getByRole("table", { name: "Devices" }).getByRole("link", { name: phone.deviceId }).click();
  const uploads = page.locator("section", { has: page.getByRole("heading", { name: "Uploads of this user" }) });
  await expect(uploads.getByRole("listitem", { name: /^Attachment / })).toHaveCount(3);
});
