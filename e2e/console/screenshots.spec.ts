// Screenshots of the main console pages (1280x800) with a small, realistic fleet made through the
// mobile API and worked on by support and an operator in the browser. Each page is checked for
// its data before it is captured. The images land in the test output; with UPDATE_SCREENSHOTS=1
// they replace docs/screenshots/*.png (shown in the README):
//   UPDATE_SCREENSHOTS=1 npx playwright test --project console e2e/console/screenshots.spec.ts
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Browser, Page, TestInfo } from "@playwright/test";
import { logIn } from "../support/console";
import type { MobileDevice } from "../support/device";
import type { E2E_STAFF } from "../support/accounts";
import { expect, test, type Fixtures } from "../support/fixtures";

const VIEWPORT = { width: 1280, height: 800 };

async function capture(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = process.env.UPDATE_SCREENSHOTS === "1"
    ? path.join(process.cwd(), "docs", "screenshots", `${name}.png`)
    : testInfo.outputPath(`${name}.png`);
  // The caret and the hover state would otherwise differ from run to run.
  await page.mouse.move(0, VIEWPORT.height - 1);
  await page.screenshot({ path: file, caret: "hide", animations: "disabled" });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

/** A page of its own browser context (so several roles work side by side), logged in as `role`. */
async function newStaffPage(browser: Browser, role: keyof typeof E2E_STAFF): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light" });
  const page = await context.newPage();
  await logIn(page, role);
  return page;
}

const meter = (code: string, reading: number, unit: string) => ({ code, reading, unit });
const memo = (content: string, tags: string[] = [], pinned = false) => ({ content, tags, pinned });

/** Three people, six installs: conflicts on meters, a batch that partly failed, a lost phone. */
async function makeFleet(openDevice: Fixtures["openDevice"]) {
  const run = randomUUID().slice(0, 4);
  const device = (user: string, deviceId: string, platform: string, appVersion: string) =>
    openDevice(`${user}-${run}`, { deviceId, platform, appVersion });
  const aliceIphone = await device("alice", "iphone-15", "ios", "3.2.0");
  const aliceIpad = await device("alice", "ipad-air", "ipados", "3.2.0");
  const bobPixel = await device("bob", "pixel-8", "android", "3.1.4");
  const bobOldPhone = await device("bob", "galaxy-s9", "android", "2.9.0");
  const carolPhone = await device("carol", "pixel-7a", "android", "3.2.0");
  const carolLaptop = await device("carol", "chrome-laptop", "web", "3.2.0");

  // alice reads the meters on her phone; her iPad corrects them; the phone, offline, disagrees.
  const created = await aliceIphone.push([
    { type: "meter", action: "create", data: meter("BOILER-1", 1520.5, "kWh") },
    { type: "meter", action: "create", data: meter("WATER-MAIN", 88.2, "m3") },
    { type: "memo", action: "create", data: memo("Call the plumber about the boiler", ["home"], true) },
  ]);
  const [boiler, water] = [created.results[0]?.id ?? "", created.results[1]?.id ?? ""];
  await aliceIpad.bootstrap();
  await aliceIpad.push([
    { type: "meter", action: "update", id: boiler, base_version: 1, data: meter("BOILER-1", 1533, "kWh") },
    { type: "meter", action: "update", id: water, base_version: 1, data: meter("WATER-MAIN", 90.1, "m3") },
  ]);
  await aliceIpad.pull();
  await aliceIpad.ack();
  const stale = await aliceIphone.push([
    { type: "meter", action: "update", id: boiler, base_version: 1, data: meter("BOILER-1", 1529, "kWh") },
    { type: "meter", action: "update", id: water, base_version: 1, data: meter("WATER-MAIN", 89.7, "m3") },
  ]);
  const boilerConflict = stale.results[0]?.conflict?.conflict_id ?? "";
  const waterConflict = stale.results[1]?.conflict?.conflict_id ?? "";

  // bob's phone sends a video the server has no type for, and edits a memo whose create was lost.
  const lostMemo = `memo-${run}-groceries`;
  const failed = await bobPixel.push([
    { type: "memo", action: "create", data: memo("Team lunch on Friday", ["work"]) },
    { type: "video", action: "create", data: { url: "receipt.mp4" } },
    { type: "memo", action: "update", id: lostMemo, base_version: 1, data: memo("Groceries: oat milk, bread, apples", ["shopping"]) },
  ]);
  await bobPixel.push([{ type: "memo", action: "create", id: lostMemo, data: memo("Groceries: oat milk", ["shopping"]) }]);
  await bobOldPhone.push([{ type: "diary", action: "create", data: { date: "2026-11-19", mood: "tired", summary: "Moved flats." } }]);

  // carol's two devices disagree on the gas reading.
  const home = await carolPhone.push([
    { type: "meter", action: "create", data: meter("HOME-GAS", 301.2, "m3") },
    { type: "diary", action: "create", data: { date: "2026-11-21", mood: "calm", summary: "Long walk by the river." } },
  ]);
  const gas = home.results[0]?.id ?? "";
  await carolLaptop.push([{ type: "meter", action: "update", id: gas, base_version: 1, data: meter("HOME-GAS", 305, "m3") }]);
  await carolLaptop.bootstrap();
  await carolLaptop.ack();
  await carolPhone.push([{ type: "meter", action: "update", id: gas, base_version: 1, data: meter("HOME-GAS", 303.4, "m3") }]);

  for (const id of [boilerConflict, waterConflict]) expect(id).not.toBe("");
  expect(failed.status).toBe("partial");
  return { boiler, boilerConflict, waterConflict, failedBatch: failed.batch_id, alice: aliceIphone.userId, carol: carolPhone.userId, bobOldPhone, bobPixel };
}

test("screenshots of the main pages with a realistic fleet", async ({ browser, openDevice }, testInfo) => {
  test.setTimeout(180_000);
  const fleet = await makeFleet(openDevice);

  // Support settles one of alice's conflicts; an operator replays bob's batch and revokes his old phone.
  const support = await newStaffPage(browser, "support");
  await support.goto(`/conflicts/${fleet.waterConflict}`);
  await support.getByRole("button", { name: "Accept server", exact: true }).click();
  await support.getByRole("button", { name: "Confirm: accept server" }).click();
  await expect(support.getByText(/Accepted server by support@e2e.test/)).toBeVisible();

  const operator = await newStaffPage(browser, "operator");
  await operator.goto(`/devices?q=${fleet.bobOldPhone.userId}`);
  await operator.getByRole("link", { name: fleet.bobOldPhone.deviceId }).click();
  await operator.getByRole("button", { name: "Revoke device" }).click();
  await operator.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(operator.getByTestId("device-action-status")).toHaveText("Device revoked.");
  await operator.goto(`/batches/${fleet.failedBatch}`);
  await operator.getByRole("button", { name: "Replay failed items" }).click();
  await expect(operator.getByTestId("replay-outcome")).toHaveText("Attempt 2: 1 of 2 item(s) applied");
  await expect(operator.getByRole("listitem", { name: "Attempt 2" })).toContainText("partial");
  await capture(operator, testInfo, "batch");

  const admin = await newStaffPage(browser, "admin");
  await expect(admin.getByRole("img", { name: /^Pushes and acks per hour\./ })).toBeVisible();
  await expect(admin.getByText("Loading activity…")).toHaveCount(0);
  await capture(admin, testInfo, "overview");

  await admin.goto("/devices");
  const devices = admin.getByRole("table", { name: "Devices" });
  const row = (device: MobileDevice) => devices.getByRole("row").filter({ hasText: device.userId }).filter({ hasText: device.deviceId });
  await expect(row(fleet.bobOldPhone)).toContainText("revoked");
  await expect(row(fleet.bobPixel)).toContainText("unknown_type");
  await capture(admin, testInfo, "devices");

  await admin.goto("/conflicts");
  const inbox = admin.getByRole("table", { name: "Conflicts" });
  await expect(inbox.getByRole("row").filter({ hasText: fleet.alice })).toHaveCount(1);
  await expect(inbox.getByRole("row").filter({ hasText: fleet.carol })).toHaveCount(1);
  await capture(admin, testInfo, "conflicts");

  await admin.goto(`/conflicts/${fleet.boilerConflict}`);
  const reading = admin.getByRole("table", { name: "Field by field comparison" }).getByRole("row").filter({ hasText: "reading" });
  await expect(reading.getByRole("cell")).toHaveText([/1520.5$/, /1533$/, /1529$/]);
  await capture(admin, testInfo, "conflict");

  await admin.goto("/audit");
  const audit = admin.getByRole("table", { name: "Audit log" });
  for (const action of ["conflict.resolve", "device.revoke", "batch.replay"]) {
    await expect(audit.getByRole("row").filter({ hasText: action }).first()).toBeVisible();
  }
  await capture(admin, testInfo, "audit");

  // What happened to alice's boiler reading: her records, the record's history, her page.
  await admin.goto(`/records?user=${fleet.alice}`);
  const records = admin.getByRole("table", { name: "Records" });
  await expect(records.getByRole("row")).toHaveCount(4);
  await capture(admin, testInfo, "records");
  await records.getByRole("link", { name: fleet.boiler }).click();
  await expect(admin.getByRole("listitem", { name: "Version 2" })).toContainText("Device ipad-air");
  await capture(admin, testInfo, "record");
  await admin.getByRole("main").getByRole("link", { name: fleet.alice }).first().click();
  await expect(admin.getByRole("table", { name: "Records of this user by type" })).toBeVisible();
  await expect(admin.getByText("Loading uploads…")).toHaveCount(0);
  await capture(admin, testInfo, "user");
  await Promise.all([support, operator, admin].map((p) => p.context().close()));
});
