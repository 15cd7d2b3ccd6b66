// Console security as a browser sees it: security headers on every page and API answer, a CSP
// with a per-request nonce and no 'unsafe-inline' under which every console page still renders
// and runs, a forged cross-origin mutation refused with nothing changed, and login throttling's
// message on the login page.
import type { Page } from "@playwright/test";
import { ZErrorBody } from "@syncdesk/protocol";
import { CONSOLE_URL } from "../../playwright.config";
import { uniqueUser } from "../support/device";
import { expect, test } from "../support/fixtures";

const note = (content: string) => ({ type: "memo", action: "create" as const, data: { content, tags: [], pinned: false } });

/** Collects what the browser reports about CSP violations and script errors on `page`. */
function watchViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

test("pages carry a nonce CSP without 'unsafe-inline', frame and sniffing protection and HSTS", async ({ request }) => {
  const [first, second] = [await request.get("/login"), await request.get("/login")];
  const csp = first.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("script-src 'self' 'nonce-");
  expect(csp).toContain("'strict-dynamic'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  // A fresh nonce per response, and it is the one on the page's scripts.
  expect(second.headers()["content-security-policy"]).not.toContain(`'nonce-${nonce}'`);
  const html = await first.text();
  expect(html).toContain(`nonce="${nonce}"`);
  expect(html.match(/<script(?![^>]*nonce=)[^>]*>/g) ?? []).toEqual([]);

  const headers = first.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  // The e2e server is a production build.
  expect(headers["strict-transport-security"]).toMatch(/^max-age=\d+/);

  const api = await request.get("/api/health");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["x-frame-options"]).toBe("DENY");
});

test("the console renders and works under the CSP: no violation on any page", async ({ page, staffPage }) => {
  const problems = watchViolations(page);
  await staffPage("admin");
  await expect(page.getByTestId("staff-role")).toHaveText("admin");
  for (const [path, heading] of [
    ["/overview", /Overview/],
    ["/devices", /Devices/],
    ["/conflicts", /Conflicts/],
    ["/batches", /Sync batches/],
    ["/audit", /Audit log/],
    ["/compaction", /Compaction/],
    ["/password", /Change your password/],
    ["/records", /Records/],
    ["/users", /Users/],
    ["/staff", /Staff/],
    ["/keys", /Service keys/],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }
  // Client-side navigation (React running) works too.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Devices" }).click();
  await expect(page).toHaveURL(/\/devices/);
  await expect(page.getByRole("heading", { level: 1, name: /Devices/ })).toBeVisible();
  expect(problems).toEqual([]);
});

test("a forged mutation from another origin of the same site is refused and revokes nothing", async ({ page, request, openDevice, staffPage }) => {
  const userId = uniqueUser("csrf");
  const device = await openDevice(userId, { deviceId: `${userId}-phone` });
  await device.push([note("mine")]);
  await staffPage("operator");
  await page.goto(`/devices?user=${userId}`);
  await page.getByRole("link", { name: device.deviceId }).click();
  await expect(page.getByRole("heading", { name: `Device ${device.deviceId}` })).toBeVisible();
  const deviceRef = new URL(page.url()).pathname.split("/").at(-1) ?? "";

  // Another origin on the same host (another port): the browser sends the session cookie along.
  const evil = `${CONSOLE_URL.replace(/:\d+$/, ":9")}/attack`;
  const field = JSON.stringify({ json: { id: deviceRef }, pad: "" }).slice(0, -2);
  await page.route(evil, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form id="f" method="POST" enctype="text/plain" action="${CONSOLE_URL}/api/trpc/devices.revoke">
        <input name='${field}' value='"}'></form><script>document.getElementById("f").submit()</script>`,
    }),
  );
  const answer = page.waitForResponse(`${CONSOLE_URL}/api/trpc/devices.revoke`);
  await page.goto(evil);
  const refused = await answer;
  expect(refused.status()).toBe(403);
  expect(ZErrorBody.parse(await refused.json()).error.code).toBe("forbidden");

  // Nothing changed: the device still syncs and the console still shows it active.
  expect((await device.post("/sync/push", device.bundle([note("still mine")]))).status()).toBe(200);
  await page.goto(`/devices?user=${userId}`);
  await expect(page.getByRole("table", { name: "Devices" }).getByRole("row").filter({ hasText: device.deviceId })).toContainText("active");
});

test("repeated failed logins lock the account with a clear message", async ({ page }) => {
  test.setTimeout(180_000);
  // An address nobody has: counted like a real account, so no shared e2e account gets locked.
  const email = `${uniqueUser("locked")}@e2e.test`;
  await page.goto("/login");
  // The form's own alert (Next's route announcer is an empty alert too).
  const alert = page.getByRole("alert").filter({ hasText: /\S/ });
  const tryPassword = async (password: string) => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    // Later attempts are slowed down: wait for this one's answer before the next.
    const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"), { timeout: 30_000 });
    await page.getByRole("button", { name: "Log in" }).click();
    await answered;
    await expect(page.getByRole("button", { name: "Log in" })).toBeEnabled({ timeout: 30_000 });
  };
  for (let attempt = 1; attempt <= 10; attempt++) {
    await tryPassword(`guess-${attempt}`);
    await expect(alert).toHaveText("That email and password do not match an active account.");
  }
  await tryPassword("one more");
  await expect(alert).toHaveText(/^Too many failed logins\. Logging in is locked for 1[45] more minutes: try again later\.$/);
  await expect(page).toHaveURL(/\/login$/);
});
