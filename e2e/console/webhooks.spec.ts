// An admin wires the team's backend to webhooks in the console: a refused URL is named, the
// secret is shown once, a real receiver (node:http in this process) gets each committed bundle
// signed with it, every attempt is listed with its status code, latency and answer, Redeliver
// sends the event again, and disable, rotate and remove work. Other roles do not see the page.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { uniqueUser } from "../support/device";
import { expect, test } from "../support/fixtures";

type Hit = { body: string; signature: string; eventId: string };

/** A receiver that answers 500 to the first request and 200 after (with a body the console shows). */
async function startReceiver(): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      hits.push({ body, signature: String(req.headers["syncdesk-signature"]), eventId: String(req.headers["syncdesk-event-id"]) });
      if (hits.length === 1) res.writeHead(500).end("receiver not ready");
      else res.writeHead(200).end("taken in");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits, server };
}

const signs = (secret: string, hit: Hit) => {
  const t = /t=(\d+)/.exec(hit.signature)?.[1] ?? "";
  return hit.signature === `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${hit.body}`).digest("hex")}`;
};

test("an admin adds an endpoint, sees every attempt, redelivers, disables, rotates and removes it", async ({ page, staffPage, openDevice }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    const phone = await openDevice(uniqueUser("hooks"));
    await staffPage("admin");
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
    const form = page.getByRole("form", { name: "Add a webhook endpoint" });

    await form.getByLabel("URL").fill("ftp://example.com/hook");
    await form.getByRole("button", { name: "Add endpoint" }).click();
    await expect(form.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0);

    await form.getByLabel("URL").fill(receiver.url);
    await form.getByLabel(/^Streams/).fill(phone.stream);
    await form.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("new-webhook-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    const endpoint = page.getByRole("table", { name: "Webhook endpoints" }).getByRole("row", { name: receiver.url });
    await expect(endpoint).toContainText(phone.stream);
    await expect(endpoint).toContainText("enabled");

    // A committed bundle reaches the receiver, signed with the secret shown; its first answer is a 500.
    await phone.push([{ type: "memo", action: "create", data: { content: "hello webhooks", tags: [], pinned: false } }]);
    await expect.poll(() => receiver.hits.length, { timeout: 20_000 }).toBe(1);
    expect(signs(secret, receiver.hits[0] as Hit)).toBe(true);
    const eventId = receiver.hits[0]?.eventId ?? "";
    const delivery = page.getByRole("table", { name: "Webhook deliveries" }).getByRole("row", { name: `${eventId} to ${receiver.url}` });
    await expect(delivery).toContainText("pending", { timeout: 15_000 });
    await expect(delivery.getByTestId("webhook-attempt")).toHaveCount(1);
    await expect(delivery.getByTestId("webhook-attempt").first()).toContainText("500");
    await expect(delivery.getByTestId("webhook-attempt").first()).toContainText("receiver not ready");
    await expect(delivery.getByTestId("webhook-attempt").first()).toContainText(/\d+ ms/);

    // Redeliver sends it now instead of after the schedule's first delay; the receiver takes it.
    await delivery.getByRole("button", { name: `Redeliver ${eventId} to ${receiver.url}` }).click();
    await expect.poll(() => receiver.hits.length, { timeout: 20_000 }).toBe(2);
    expect(receiver.hits[1]?.body).toBe(receiver.hits[0]?.body);
    await expect(delivery).toContainText("succeeded", { timeout: 15_000 });
    await expect(delivery.getByTestId("webhook-attempt")).toHaveCount(2);
    await expect(delivery.getByTestId("webhook-attempt").first()).toContainText("taken in");

    // Filters: no failed delivery; the succeeded one is listed.
    await page.getByRole("search").getByLabel("Status").selectOption("failed");
    await expect(page.getByText("No deliveries match")).toBeVisible();
    await page.getByRole("search").getByLabel("Status").selectOption("succeeded");
    await expect(delivery).toBeVisible();

    await endpoint.getByRole("button", { name: `Disable ${receiver.url}` }).click();
    await expect(endpoint).toContainText("disabled");
    await endpoint.getByRole("button", { name: `Enable ${receiver.url}` }).click();
    await expect(endpoint).toContainText("enabled");

    await endpoint.getByRole("button", { name: `Rotate the secret of ${receiver.url}` }).click();
    await page.getByRole("group", { name: `Confirm rotating the secret of ${receiver.url}` }).getByRole("button", { name: "Yes, rotate" }).click();
    const rotated = (await endpoint.getByTestId("new-webhook-secret").textContent()) ?? "";
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.reload();
    expect(await page.content()).not.toContain(rotated.slice(6));

    await endpoint.getByRole("button", { name: `Remove ${receiver.url}` }).click();
    await page.getByRole("group", { name: `Confirm removing ${receiver.url}` }).getByRole("button", { name: "Yes, remove" }).click();
    await expect(endpoint).toHaveCount(0);
  } finally {
    receiver.server.close();
  }
});

test("a viewer neither sees the page in the nav nor any endpoint", async ({ page, staffPage }) => {
  await staffPage("viewer");
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Webhooks" })).toHaveCount(0);
  await page.goto("/webhooks");
  await expect(page.getByText("Only admins manage webhooks")).toBeVisible();
  await expect(page.getByRole("table", { name: "Webhook endpoints" })).toHaveCount(0);
});
