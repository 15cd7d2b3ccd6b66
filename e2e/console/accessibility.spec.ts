// axe-core on every console page, with data on it: no serious or critical violations (WCAG 2.1 A
// and AA rules). Minor and moderate findings are listed in the test's annotations, not failed.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { logIn } from "../support/console";
import { openMeterConflict } from "../support/scenarios";

async function expectAccessible(page: Page, path: string, ready: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { name: ready }).first()).toBeVisible();
  // Data-driven sections load after the heading (live pages keep a stream open: no network idle).
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of results.violations.filter((x) => !blocking.includes(x))) {
    test.info().annotations.push({ type: `axe ${v.impact ?? "?"} on ${path}`, description: `${v.id}: ${v.help}` });
  }
  expect(blocking.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`), path).toEqual([]);
}

test("every console page passes axe without serious or critical violations", async ({ page, request }) => {
  // Seventeen pages, each loaded and analysed: minutes on a busy machine.
  test.setTimeout(480_000);
  const fleet = await openMeterConflict(request);
  await expectAccessible(page, "/", "The sync server for offline-first mobile apps");
  await expectAccessible(page, "/login", "Log in to Syncdesk");
  await logIn(page, "admin");
  const record = `/records/view?${new URLSearchParams({ stream: `user:${fleet.userId}`, type: "meter", id: fleet.recordId }).toString()}`;
  const pages: [string, string][] = [
    ["/overview", "Overview"],
    ["/records", "Records"],
    [record, `meter ${fleet.recordId}`],
    ["/users", "Users"],
    [`/users/view?id=${encodeURIComponent(fleet.userId)}`, `User ${fleet.userId}`],
    ["/devices", "Devices"],
    ["/batches", "Sync batches"],
    [`/batches/${fleet.batchId}`, "Sync batch"],
    ["/conflicts", "Conflicts"],
    [`/conflicts/${fleet.conflictId}`, "Conflict"],
    ["/audit", "Audit log"],
    ["/compaction", "Compaction"],
    ["/schema", "Schema"],
    ["/staff", "Staff"],
    ["/keys", "Service keys"],
    ["/webhooks", "Webhooks"],
    ["/password", "Change your password"],
  ];
  for (const [path, heading] of pages) await expectAccessible(page, path, heading);
});
