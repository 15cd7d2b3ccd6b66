// CSRF protection of console mutations (server/limits/csrf.ts): a tRPC mutation sent with a valid
// staff session is refused with 403 unless it comes from the console itself, and changes nothing.
// The session is stubbed (next-auth reads cookies through Next's request scope); everything after
// it, the route, tRPC, the role check and the database, is real.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { setDatabase } from "@/server/db/client";
import type { DeviceContext } from "@/server/devices/register";
import type { StaffIdentity } from "@/server/staff/accounts";
import { configureTestEnv, connectDevice, createStaffAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { ZErrorBody } from "@syncdesk/protocol";

const session = vi.hoisted(() => ({ staff: null as StaffIdentity | null }));
vi.mock("@/server/auth/session", () => ({ getCurrentStaff: async () => session.staff }));

configureTestEnv();
const { POST, GET } = await import("@/app/api/trpc/[trpc]/route");

let db: TestDatabase;
let phone: DeviceContext;
beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  session.staff = await createStaffAs(db.prisma, "admin");
});
afterAll(() => db?.close());
beforeEach(async () => {
  phone = await connectDevice(db.prisma, "alice", { deviceId: randomUUID() });
});

const CONSOLE = "https://desk.example.test";
const revokedAt = async () => (await db.prisma.device.findUniqueOrThrow({ where: { id: phone.deviceRef } })).revokedAt;

function revoke(headers: Record<string, string>): Promise<Response> {
  const request = new Request(`${CONSOLE}/api/trpc/devices.revoke`, {
    method: "POST",
    headers: { "content-type": "application/json", host: "desk.example.test", ...headers },
    body: JSON.stringify({ json: { id: phone.deviceRef } }),
  });
  return POST(request);
}

async function expectRefused(answer: Response, why: RegExp) {
  expect(answer.status).toBe(403);
  const body = ZErrorBody.parse(await answer.json());
  expect(body.error.code).toBe("forbidden");
  expect(body.error.message).toMatch(why);
  expect(await revokedAt()).toBeNull();
}

describe("console mutations", () => {
  it("refuses a cross-site form or fetch (no CSRF header) with 403 and revokes nothing", async () => {
    await expectRefused(await revoke({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }), /header is missing/);
  });

  it("refuses a request with the header from another site or origin", async () => {
    await expectRefused(await revoke({ "x-syncdesk-csrf": "1", "sec-fetch-site": "cross-site", origin: "https://evil.example" }), /Sec-Fetch-Site is cross-site/);
    await expectRefused(await revoke({ "x-syncdesk-csrf": "1", "sec-fetch-site": "same-site", origin: "https://sub.example.test" }), /same-site/);
    await expectRefused(await revoke({ "x-syncdesk-csrf": "1", origin: "https://evil.example" }), /Origin is not this server/);
    await expectRefused(await revoke({ "x-syncdesk-csrf": "1", origin: "null" }), /Origin is not this server/);
  });

  it("lets the console's own request through: the same call then revokes the device", async () => {
    const answer = await revoke({ "x-syncdesk-csrf": "1", "sec-fetch-site": "same-origin", origin: CONSOLE });
    expect(answer.status).toBe(200);
    expect(await revokedAt()).not.toBeNull();
  });

  it("accepts the public host a proxy forwards (X-Forwarded-Host)", async () => {
    const answer = await revoke({ "x-syncdesk-csrf": "1", origin: "https://sync.example.org", "x-forwarded-host": "sync.example.org" });
    expect(answer.status).toBe(200);
    expect(await revokedAt()).not.toBeNull();
  });

  it("leaves queries (GET) alone: they change nothing", async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { id: phone.deviceRef } }));
    const answer = await GET(new Request(`${CONSOLE}/api/trpc/devices.get?input=${input}`, { headers: { "sec-fetch-site": "cross-site" } }));
    expect(answer.status).toBe(200);
  });
});
