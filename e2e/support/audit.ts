// Reading the console's audit log as a person would: filtered by target, one entry per action.
import { expect, type Locator, type Page } from "@playwright/test";

const TARGET_PAGES = { conflict: "/conflicts", device: "/devices", batch: "/batches" } as const;

/**
 * Opens the audit log filtered to one target and action, checks the single entry names the actor
 * and links to the target, and returns its opened details (the JSON with before/after).
 */
export async function expectAudited(page: Page, entry: {
  action: string;
  actor: string;
  target: { type: keyof typeof TARGET_PAGES; id: string };
}): Promise<Locator> {
  const query = new URLSearchParams({ action: entry.action, targetType: entry.target.type, target: entry.target.id });
  await page.goto(`/audit?${query.toString()}`);
  const table = page.getByRole("table", { name: "Audit log" });
  const rows = table.getByRole("row").filter({ hasText: entry.action });
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText(entry.actor);
  await expect(row.getByRole("link", { name: entry.target.id })).toHaveAttribute(
    "href",
    `${TARGET_PAGES[entry.target.type]}/${encodeURIComponent(entry.target.id)}`,
  );
  await row.getByRole("button", { name: "Show details" }).click();
  const details = page.getByLabel(/^Details of audit entry /);
  await expect(details).toContainText('"before"');
  await expect(details).toContainText('"after"');
  return details;
}
