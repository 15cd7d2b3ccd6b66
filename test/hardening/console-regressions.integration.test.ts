// Console bugs found by probing the procedures with forged cursors and NUL characters (the fuzz
// suite's hostile strings), kept as regression tests: each was a 500 whose message quoted the
// failing SQL and a server file path.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabase } from "@/server/db/client";
import { configureTestEnv, createStaffAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { LEAK } from "./support/answers";
import { sessionCookie, withRequest } from "./support/console-session";

vi.mock("@/server/auth/session", () => import("./support/console-session"));

configureTestEnv();
process.env.AUTH_SECRET ??= "test-auth-secret-0123456789-abcdefghijklmnop";
const route = await import("@/app/api/trpc/[trpc]/route");

let db: TestDatabase;
let cookie: string;
beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  cookie = await sessionCookie(await createStaffAs(db.prisma, "admin"));
});
afterAll(() => db?.close());

async function query(path: string, input: unknown) {
  const search = `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await withRequest(route.GET, new Request(`http://console.test/api/trpc/${path}${search}`, { headers: { cookie, host: "console.test" } }));
  const text = await response.text();
  return { status: response.status, text, message: (JSON.parse(text) as { error?: { json?: { message?: string } } }).error?.json?.message ?? "" };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const UUID = "00000000-0000-4000-8000-000000000000";

describe("console inputs the database cannot take", () => {
  const cases: [string, string, unknown][] = [
    ["a NUL in a devices filter", "devices.list", { q: "a\u0000b" }],
    ["a NUL in a conflicts cursor", "conflicts.list", { cursor: "a\u0000b" }],
    ["a NUL in a batches cursor", "batches.list", { cursor: "a\u0000b" }],
    ["a NUL in the stream of a devices-at-risk cursor", "compaction.devices", { cursor: b64(["2026-01-01T00:00:00.000Z", UUID, "user:a\u0000b"]) }],
    ["year 0 in a devices-at-risk cursor", "compaction.devices", { cursor: b64(["0000-01-01T00:00:00Z", UUID, "user:a"]) }],
  ];
  for (const [name, path, input] of cases) {
    it(`answers ${name} with 400, saying nothing internal`, async () => {
      const answer = await query(path, input);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.message).not.toMatch(LEAK);
    });
  }

  it("a devices-at-risk cursor of its own shape still pages (the check refuses only what the database cannot take)", async () => {
    const answer = await query("compaction.devices", { cursor: b64(["2026-01-01T00:00:00.000Z", UUID, "user:a"]) });
    expect(answer.status, answer.text).toBe(200);
  });
});

describe("console record data JavaScript cannot hold as sent (issue 19)", () => {
  const UNKNOWN_CONFLICT = "00000000-0000-4000-8000-000000000001";
  async function mutate(path: string, body: string) {
    const headers = { cookie, host: "console.test", "content-type": "application/json", "x-syncdesk-csrf": "1" };
    const response = await withRequest(route.POST, new Request(`http://console.test/api/trpc/${path}`, { method: "POST", headers, body }));
    return { status: response.status, text: await response.text() };
  }

  it("a manual merge whose data holds a number JSON cannot carry exactly is a 400 naming it, before any procedure runs", async () => {
    for (const n of ["1e309", "1e-400", "9007199254740993"]) {
      const answer = await mutate("conflicts.resolve", `{"json":{"id":"${UNKNOWN_CONFLICT}","resolution":"manual_merge","data":{"reading":${n}},"expectedVersion":1}}`);
      expect(answer.status, answer.text).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: "invalid_request", details: { fields: [{ field: "data.reading" }] } } });
    }
  });

  it("a manual merge whose data holds a __proto__ key is a 400 naming it, not a silently dropped field", async () => {
    for (const path of ["conflicts.resolve", "conflicts.validateMerge"]) {
      const answer = await mutate(path, `{"json":{"id":"${UNKNOWN_CONFLICT}","resolution":"manual_merge","data":{"code":"K","__proto__":{"x":1}},"expectedVersion":1}}`.replace(',"resolution":"manual_merge"', path.endsWith("validateMerge") ? "" : ',"resolution":"manual_merge"').replace(',"expectedVersion":1', path.endsWith("validateMerge") ? "" : ',"expectedVersion":1'));
      expect(answer.status, answer.text).toBe(400);
      expect(answer.text).toContain("data.__proto__");
    }
  });

  it("an exact merge still reaches the procedure (an unknown conflict: 404)", async () => {
    const answer = await mutate("conflicts.resolve", `{"json":{"id":"${UNKNOWN_CONFLICT}","resolution":"manual_merge","data":{"reading":9007199254740992,"x":0.1},"expectedVersion":1}}`);
    expect(answer.status, answer.text).toBe(404);
  });
});
