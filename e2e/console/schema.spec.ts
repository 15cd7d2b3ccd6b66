// The Schema page shows the types of the config the server started with: the demo's on the
// console server, and on a second server started with examples/visit.config.json only `visit`,
// with its per-field rules, and its OpenAPI document has VisitData and no MemoData (the same
// build: types come from the config at start, not from the build).
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import type { Locator, Page } from "@playwright/test";
import { E2E_SECRETS } from "../../playwright.config";
import { E2E_STAFF } from "../support/accounts";
import { expect, test } from "../support/fixtures";
import { AppInstance, createScratchDatabase } from "../support/instances";

const typeSection = (page: Page, name: string): Locator => page.getByRole("region", { name, exact: true });
/** The row of `field`: its header is the name, then badges such as "unique". */
const fieldRow = (section: Locator, type: string, field: string): Locator =>
  section.getByRole("table", { name: `Fields of ${type}` }).getByRole("row")
    .filter({ has: section.page().getByRole("rowheader", { name: new RegExp(`^${field}( |$)`) }) });
/** The value beside a label of the type's facts (unique fields, WatermelonDB table...). */
const fact = (section: Locator, label: string): Locator =>
  section.getByRole("term").filter({ hasText: label }).locator("xpath=following-sibling::dd[1]");

test("a viewer reads the demo types, their fields and the built-in blob type", async ({ page, staffPage }) => {
  await staffPage("viewer");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Schema" }).click();
  await expect(page).toHaveURL(/\/schema$/);
  await expect(page.getByRole("heading", { name: "Schema", level: 1 })).toBeVisible();
  await expect(page.getByTestId("config-file")).toHaveText("syncdesk.config.ts");
  const headings = page.getByRole("heading", { level: 2 });
  await expect(headings).toHaveText(["memo", "diary", "noot", "submission", "meter", "photo", "blob"]);

  const meter = typeSection(page, "meter");
  await expect(meter).toContainText("version 1");
  await expect(meter).toContainText("policy: manual");
  await expect(fieldRow(meter, "meter", "code")).toContainText("unique");
  await expect(fieldRow(meter, "meter", "code").getByRole("cell")).toHaveText(["string", "required", "—", "min length: 1; max length: 100", "—"]);
  await expect(fact(meter, "Unique fields")).toHaveText("code");
  await expect(fieldRow(typeSection(page, "submission"), "submission", "status")).toContainText("one of: draft, submitted, approved, rejected");
  await expect(fieldRow(typeSection(page, "photo"), "photo", "image")).toContainText("media");
  await expect(fieldRow(typeSection(page, "photo"), "photo", "image")).toContainText("string | null");
  await expect(fieldRow(typeSection(page, "diary"), "diary", "date")).toContainText("format: date");
  await expect(fact(typeSection(page, "memo"), "WatermelonDB table")).toHaveText("memos");
  await expect(fact(typeSection(page, "photo"), "WatermelonDB table")).toHaveText("not synced with WatermelonDB");
  await expect(fact(typeSection(page, "photo"), "Media fields")).toHaveText("image");
  await expect(typeSection(page, "blob")).toContainText("built in");
  await expect(typeSection(page, "memo")).not.toContainText("built in");
});

/** A port nobody listens on now (the OS picks it), for a server of this test only. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

test("a server started with the visit config shows only visit, with its field rules and data schema", async ({ page }) => {
  test.setTimeout(240_000);
  const database = await createScratchDatabase("schema");
  const server = new AppInstance({ port: await freePort(), databaseUrl: database.url, env: { SYNCDESK_CONFIG: "./examples/visit.config.json" } });
  try {
    await server.start();
    const viewer = E2E_STAFF.viewer;
    await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/staff-create.ts", "--email", viewer.email, "--role", "viewer", "--password", viewer.password], {
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: database.url, LOG_LEVEL: "warn", ...E2E_SECRETS },
    });
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill(viewer.email);
    await page.getByLabel("Password").fill(viewer.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/overview/, { timeout: 30_000 });
    await page.goto(`${server.url}/schema`);

    await expect(page.getByTestId("config-file")).toHaveText("examples/visit.config.json");
    await expect(page.getByRole("heading", { level: 2 })).toHaveText(["visit", "blob"]);
    const visit = typeSection(page, "visit");
    await expect(visit).toContainText("policy: merge");
    await expect(fact(visit, "WatermelonDB table")).toHaveText("visits");
    await expect(fieldRow(visit, "visit", "score").getByRole("cell")).toHaveText(["number", "required", "—", "—", "merge: max"]);
    await expect(fieldRow(visit, "visit", "visits")).toContainText("merge: counter");
    await expect(fieldRow(visit, "visit", "status")).toContainText("transitions: draft → submitted, submitted → approved/rejected");
    await expect(fieldRow(visit, "visit", "note").getByRole("cell")).toHaveText(["string", "optional", '""', "—", "—"]);

    // The OpenAPI document of the same build follows the same config.
    const doc = (await (await page.request.get(`${server.url}/api/v1/openapi.json`)).json()) as { components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.components.schemas).filter((name) => name.endsWith("Data"))).toEqual(["VisitData", "BlobData"]);
  } finally {
    await server.stop();
    await database.drop();
  }
});
