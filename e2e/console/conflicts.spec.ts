// Support resolves stored conflicts in the browser, and the device that made the edit learns the
// outcome through the mobile API. Every conflict is made by real pushes (scenarios.ts).
import type { Page } from "@playwright/test";
import { expectAudited } from "../support/audit";
import { expect, test } from "../support/fixtures";
import type { MeterConflict } from "../support/scenarios";

const SUPPORT = "support@e2e.test";

/** The reading row of the side-by-side table: base, server, client (and current) values. */
function readingRow(page: Page) {
  return page.getByRole("table", { name: "Field by field comparison" }).getByRole("row").filter({ hasText: "reading" });
}

async function openConflictPage(page: Page, conflict: MeterConflict) {
  await page.goto(`/conflicts/${conflict.conflictId}`);
  await expect(page.getByRole("heading", { name: `Conflict on meter ${conflict.recordId}` })).toBeVisible();
  await expect(readingRow(page).getByRole("cell")).toHaveText([
    new RegExp(`${conflict.base.reading}$`),
    new RegExp(`${conflict.server.reading}$`),
    new RegExp(`${conflict.client.reading}$`),
  ]);
}

function resolutionCard(page: Page) {
  return page.locator("section").filter({ has: page.getByRole("heading", { name: "Resolution", exact: true }) });
}

test("support accepts the server's value from the inbox; the record stays and the device sees the conflict closed", async ({ page, meterConflict, staffPage }) => {
  const conflict = await meterConflict();
  await staffPage("support");

  await page.goto(`/conflicts?user=${conflict.userId}`);
  const rows = page.getByRole("table", { name: "Conflicts" }).getByRole("row").filter({ hasText: conflict.recordId });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("reading");
  await expect(rows).toContainText(`${conflict.userId}-phone`);
  await rows.getByRole("link", { name: `meter ${conflict.recordId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/conflicts/${conflict.conflictId}$`));
  await openConflictPage(page, conflict);

  await page.getByRole("button", { name: "Accept server", exact: true }).click();
  await page.getByRole("button", { name: "Confirm: accept server" }).click();
  await expect(resolutionCard(page)).toContainText(`Accepted server by ${SUPPORT} (staff)`);
  await expect(page.getByRole("button", { name: "Accept server", exact: true })).toHaveCount(0);

  // Nothing changed on the record, so a pull has nothing new; the device's conflict list says why.
  expect(await conflict.phone.pull()).toEqual([]);
  const record = await conflict.phone.fetchRecord("meter", conflict.recordId);
  expect(record).toMatchObject({ version: 2, data: conflict.server });
  const resolved = await conflict.phone.conflicts("resolved");
  expect(resolved).toEqual([
    expect.objectContaining({ id: conflict.conflictId, status: "resolved", resolution: "accept_server", resolved_by: expect.stringMatching(/^staff:/) }),
  ]);

  const details = await expectAudited(page, { action: "conflict.resolve", actor: SUPPORT, target: { type: "conflict", id: conflict.conflictId } });
  await expect(details).toContainText('"resolution": "accept_server"');
});

test("support accepts the client's value; the device pulls it with the conflict hint", async ({ page, meterConflict, staffPage }) => {
  const conflict = await meterConflict({ base: 20, server: 24.5, client: 23 });
  await staffPage("support");
  await openConflictPage(page, conflict);

  await page.getByRole("button", { name: "Accept client", exact: true }).click();
  await expect(page.getByRole("group", { name: "Confirm" })).toContainText("Applies to record version 2 only.");
  await page.getByRole("button", { name: "Confirm: accept client" }).click();
  await expect(resolutionCard(page)).toContainText(`Accepted client by ${SUPPORT} (staff)`);
  await expect(page.getByLabel("Resolved data")).toContainText('"reading": 23');

  const changes = await conflict.phone.pull();
  expect(changes).toEqual([
    expect.objectContaining({
      type: "meter", id: conflict.recordId, op: "upsert", version: 3, data: conflict.client,
      conflict: { conflict_id: conflict.conflictId, fields: ["reading"], reason: "accept_client" },
    }),
  ]);

  const details = await expectAudited(page, { action: "conflict.resolve", actor: SUPPORT, target: { type: "conflict", id: conflict.conflictId } });
  await expect(details).toContainText('"resolution": "accept_client"');
});

test("support merges by hand, checked against the type's schema before saving; the device pulls the merge", async ({ page, meterConflict, staffPage }) => {
  const conflict = await meterConflict({ base: 500, server: 520, client: 510 });
  await staffPage("support");
  await openConflictPage(page, conflict);

  await page.getByRole("button", { name: "Manual merge", exact: true }).click();
  const editor = page.getByLabel("Merged record data (JSON)");
  await readingRow(page).getByRole("radio", { name: "client" }).check();
  await expect(editor).toHaveValue(/"reading": 510/);

  // A value the schema refuses cannot be saved.
  const save = page.getByRole("button", { name: "Save merge" });
  await editor.fill(JSON.stringify({ ...conflict.server, reading: "about 515" }, null, 2));
  await expect(save).toBeDisabled();
  await expect(editor).toHaveAttribute("aria-invalid", "true");

  const merged = { ...conflict.server, reading: 515.5 };
  await editor.fill(JSON.stringify(merged, null, 2));
  await expect(page.getByText("Valid for this type.")).toBeVisible();
  await save.click();
  await expect(resolutionCard(page)).toContainText(`Manual merge by ${SUPPORT} (staff)`);
  await expect(page.getByLabel("Resolved data")).toContainText('"reading": 515.5');

  const changes = await conflict.phone.pull();
  expect(changes).toEqual([
    expect.objectContaining({
      type: "meter", id: conflict.recordId, op: "upsert", version: 3, data: merged,
      conflict: { conflict_id: conflict.conflictId, fields: ["reading"], reason: "manual_merge" },
    }),
  ]);

  const details = await expectAudited(page, { action: "conflict.resolve", actor: SUPPORT, target: { type: "conflict", id: conflict.conflictId } });
  await expect(details).toContainText('"resolution": "manual_merge"');
  await expect(details).toContainText('"reading": 515.5');
});

test("a record that changes while the page is open is shown, not overwritten", async ({ page, meterConflict, staffPage }) => {
  const conflict = await meterConflict({ base: 7, server: 8, client: 9 });
  await staffPage("support");
  await openConflictPage(page, conflict);
  await page.getByRole("button", { name: "Accept client", exact: true }).click();

  // Meanwhile the tablet writes a new reading on top of the version the page shows.
  const newer = { ...conflict.server, reading: 12 };
  const moved = await conflict.tablet.push([{ type: "meter", action: "update", id: conflict.recordId, base_version: 2, data: newer }]);
  expect(moved.results[0]).toMatchObject({ status: "ok", version: 3 });

  await page.getByRole("button", { name: "Confirm: accept client" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not saved" })).toContainText(
    "the record changed while you were deciding (now version 3)",
  );
  const banner = page.getByRole("alert").filter({ hasText: "The record changed since this conflict opened" });
  await expect(banner).toContainText("it was version 2, it is now version 3");
  await expect(banner.getByLabel("Current server value")).toContainText('"reading": 12');
  await expect(page.getByRole("columnheader", { name: /Current v3/ })).toBeVisible();
  await expect(readingRow(page).getByRole("cell").last()).toHaveText(/12$/);

  // Nothing was written: the tablet's value stands, the conflict is still open.
  expect(await conflict.phone.fetchRecord("meter", conflict.recordId)).toMatchObject({ version: 3, data: newer });
  const pulled = await conflict.phone.pull();
  expect(pulled).toEqual([expect.objectContaining({ id: conflict.recordId, version: 3, data: newer })]);
  expect(pulled[0]?.conflict).toBeUndefined();
  expect((await conflict.phone.conflicts("open")).map((c) => c.id)).toEqual([conflict.conflictId]);
  await page.goto(`/audit?action=conflict.resolve&target=${conflict.conflictId}`);
  await expect(page.getByRole("status").filter({ hasText: "No audit entries match" })).toBeVisible();

  // Deciding again on the version now shown goes through.
  await page.goto(`/conflicts/${conflict.conflictId}`);
  await page.getByRole("button", { name: "Accept client", exact: true }).click();
  await expect(page.getByRole("group", { name: "Confirm" })).toContainText("Applies to record version 3 only.");
  await page.getByRole("button", { name: "Confirm: accept client" }).click();
  await expect(resolutionCard(page)).toContainText(`Accepted client by ${SUPPORT} (staff)`);
  expect(await conflict.phone.pull()).toEqual([
    expect.objectContaining({ id: conflict.recordId, version: 4, data: conflict.client, conflict: expect.objectContaining({ reason: "accept_client" }) }),
  ]);
});

test("a viewer sees the conflict but cannot resolve it: no buttons, and the procedure is refused", async ({ page, meterConflict, staffPage }) => {
  const conflict = await meterConflict();
  await staffPage("viewer");
  await openConflictPage(page, conflict);
  await expect(page.getByRole("button", { name: /Accept server|Accept client|Manual merge/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Resolve", exact: true })).toHaveCount(0);

  // The server checks the role itself: a call with the viewer's session cookie is refused.
  const call = await page.request.post("/api/trpc/conflicts.resolve", {
    data: { json: { id: conflict.conflictId, resolution: "accept_client", expectedVersion: 2 } },
    headers: { "x-syncdesk-csrf": "1" }, // as the console sends it (server/limits/csrf.ts)
  });
  expect(call.status()).toBe(403);
  expect(await call.json()).toMatchObject({ error: { json: { data: { code: "FORBIDDEN", httpStatus: 403 } } } });

  expect(await conflict.phone.fetchRecord("meter", conflict.recordId)).toMatchObject({ version: 2, data: conflict.server });
  expect((await conflict.phone.conflicts("open")).map((c) => c.id)).toEqual([conflict.conflictId]);
  expect(await conflict.phone.pull()).toEqual([]);
});
