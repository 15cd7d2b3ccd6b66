// An operator replays a batch whose item failed, once the cause is fixed; the device pulls the
// outcome, and the stored answer the device got for its push never changes.
import { expectAudited } from "../support/audit";
import { expect, test } from "../support/fixtures";

const OPERATOR = "operator@e2e.test";

test("an operator replays a failed update after the record exists; the device pulls the change", async ({ page, failedBatch, staffPage }) => {
  const failed = await failedBatch();
  const { device } = failed;
  await device.bootstrap();
  // The cause is fixed: the memo the update was about now exists (version 1).
  const created = await device.push([{ type: "memo", action: "create", id: failed.memoId, data: { content: "Pick up the parcel", tags: [], pinned: false } }]);
  expect(created.results[0]).toMatchObject({ status: "ok", id: failed.memoId, version: 1 });

  await staffPage("operator");
  await page.goto(`/batches?user=${device.userId}&status=partial`);
  const rows = page.getByRole("table", { name: "Sync batches" }).getByRole("row").filter({ hasText: device.deviceId });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("1/2 ok");
  await rows.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/batches/${failed.batchId}$`));
  await expect(page.getByRole("heading", { name: "Sync batch #1" })).toBeVisible();

  const items = page.getByRole("table", { name: "Items of this batch" });
  const failedItem = items.getByRole("row").filter({ hasText: failed.memoId });
  await expect(failedItem).toContainText("not_found");
  await expect(page.getByText("Not replayed. The push itself was attempt 1.")).toBeVisible();
  await expect(page.getByText("1 item(s) will be re-processed through the sync engine.")).toBeVisible();

  await page.getByRole("button", { name: "Replay failed items" }).click();
  await expect(page.getByTestId("replay-outcome")).toHaveText("Attempt 2: 1 of 1 item(s) applied");
  const attempt = page.getByRole("listitem", { name: "Attempt 2" });
  await expect(attempt).toContainText("applied");
  await expect(attempt).toContainText(`by ${OPERATOR}`);
  await expect(attempt.getByRole("row").filter({ hasText: "ok" })).toHaveCount(1);
  await expect(failedItem.getByRole("cell").nth(3)).toHaveText("ok");
  await expect(page.getByText("Nothing to replay: every item applied or waits on a conflict.")).toBeVisible();
  // What the device was told for its push stays as it was.
  await expect(page.getByLabel("Stored response JSON")).toContainText('"code": "not_found"');

  // The device pulls the create it made and then the replayed update, under the original batch.
  const changes = await device.pull();
  expect(changes.map((c) => [c.id, c.version])).toEqual([[failed.memoId, 1], [failed.memoId, 2]]);
  expect(changes[1]).toMatchObject({ op: "upsert", data: failed.update, batch_id: failed.batchId });

  // Replaying again retries nothing and records nothing.
  await page.getByRole("button", { name: "Replay failed items" }).click();
  await expect(page.getByTestId("replay-outcome")).toHaveText("Nothing to replay: no item of this batch is waiting on a retry");
  await expect(page.getByRole("listitem", { name: /^Attempt / })).toHaveCount(1);
  expect(await device.pull()).toEqual([]);

  const details = await expectAudited(page, { action: "batch.replay", actor: OPERATOR, target: { type: "batch", id: failed.batchId } });
  await expect(details).toContainText('"attempt": 2');
  await expect(details).toContainText('"status": "applied"');
});

test("support may look at a failed batch but not replay it", async ({ page, failedBatch, staffPage }) => {
  const failed = await failedBatch();
  await staffPage("support");
  await page.goto(`/batches/${failed.batchId}`);
  await expect(page.getByRole("table", { name: "Items of this batch" }).getByRole("row").filter({ hasText: failed.memoId })).toContainText("not_found");
  await expect(page.getByRole("button", { name: "Replay failed items" })).toHaveCount(0);

  const call = await page.request.post("/api/trpc/batches.replay", { data: { json: { id: failed.batchId } }, headers: { "x-syncdesk-csrf": "1" } });
  expect(call.status()).toBe(403);
  expect(await call.json()).toMatchObject({ error: { json: { data: { code: "FORBIDDEN" } } } });
  await page.reload();
  await expect(page.getByText("Not replayed. The push itself was attempt 1.")).toBeVisible();
});
