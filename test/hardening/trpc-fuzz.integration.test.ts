// Fuzzing every console procedure (issue 9 item 1) through the real tRPC route with a real admin
// session (so input validation is reached), sometimes another persona or no CSRF header: never a
// 5xx, a 4xx wherever the input or the request is refused, no stack or internals in any error, and
// the database unchanged after every call. FC_SEED / FUZZ_SCALE as in mobile-fuzz.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabase } from "@/server/db/client";
import { configureTestEnv, connectDevice, createStaffAs, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { LEAK } from "./support/answers";
import { sessionCookie, withRequest } from "./support/console-session";
import { fuzzBudget, fuzzParameters, fuzzSeed } from "./support/fuzz-config";
import { listProcedures, PROCEDURE_ROLES } from "./support/trpc-procedures";
import { procedureCases, type TrpcCase } from "./support/trpc-fuzz";
import { diffState, snapshotState, type StateSnapshot } from "./support/state";

vi.mock("@/server/auth/session", () => import("./support/console-session"));

configureTestEnv();
process.env.AUTH_SECRET ??= "test-auth-secret-0123456789-abcdefghijklmnop";
const route = await import("@/app/api/trpc/[trpc]/route");

const BUDGET = fuzzBudget(700);
const SEED = fuzzSeed();
const procedures = listProcedures();
const perProcedure = Math.ceil(BUDGET / procedures.length);

let db: TestDatabase;
let baseline: StateSnapshot;
const cookies: Record<TrpcCase["persona"], string | undefined> = { admin: undefined, viewer: undefined, nobody: undefined };
const sent = { total: 0, mustRefuse: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  const phone = await connectDevice(db.prisma, "ann");
  await pushAs(db.prisma, phone, 1, [{ type: "memo", id: "m1", action: "create", data: memo("private") }]);
  cookies.admin = await sessionCookie(await createStaffAs(db.prisma, "admin"));
  cookies.viewer = await sessionCookie(await createStaffAs(db.prisma, "viewer"));
  baseline = await snapshotState(db.prisma);
});
afterAll(async () => {
  console.log(`tRPC fuzz (${process.env.TEST_DB_ENGINE}): ${sent.total} calls over ${procedures.length} procedures, ${sent.mustRefuse} must-refuse, seed ${SEED}`);
  await db?.close();
});

type ErrorShape = { error?: { json?: { message?: unknown; data?: { httpStatus?: unknown; stack?: unknown } }; code?: unknown; message?: unknown } };

function checkError(text: string, where: string): void {
  expect(text, `${where} leaks`).not.toMatch(/\bat \S+:\d+:\d+|node_modules|\/work\//);
  const bodies = [JSON.parse(text) as ErrorShape | ErrorShape[]].flat();
  for (const body of bodies) {
    if (!body.error) continue; // a batch's successful member
    const trpc = body.error.json;
    // Either tRPC's error (superjson) or the route's own envelope (CSRF refusals).
    const message = trpc ? trpc.message : body.error.message;
    expect(typeof message, where).toBe("string");
    expect(String(message), `${where}: message leaks`).not.toMatch(LEAK);
    if (trpc) expect(trpc.data?.stack ?? null, where).toBeNull();
    else expect(typeof body.error.code, where).toBe("string");
  }
}

async function exercise(c: TrpcCase): Promise<void> {
  const headers: Record<string, string> = { host: "console.test" };
  const cookie = cookies[c.persona];
  if (cookie) headers.cookie = cookie;
  if (c.contentType) headers["content-type"] = c.contentType;
  if (c.csrf && c.method === "POST") headers["x-syncdesk-csrf"] = "1";
  const request = new Request(`http://console.test/api/trpc/${c.path}${c.search}`, { method: c.method, headers, ...(c.method === "POST" ? { body: new Uint8Array(c.body ?? []) } : {}) });
  const response = await withRequest(c.method === "GET" ? route.GET : route.POST, request);
  const text = await response.text();
  sent.total += 1;
  if (c.expect === "must-refuse") sent.mustRefuse += 1;
  const where = `${c.procedure} [${c.label.slice(0, 160)}] ${c.method} ${c.path.slice(0, 60)} as ${c.persona}`;
  expect(response.status, `${where}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (c.expect === "must-refuse") {
    // A batch whose members fail differently is a 207 (tRPC), each member then being an error.
    const refused = response.status >= 400 || (response.status === 207 && (JSON.parse(text) as ErrorShape[]).every((m) => m.error));
    expect(refused, `${where} must be refused: ${response.status} ${text.slice(0, 300)}`).toBe(true);
  }
  if (response.status >= 400 || response.status === 207) checkError(text, where);
  const diff = diffState(baseline, await snapshotState(db.prisma));
  expect(diff.length, `state changed by ${where}: ${diff.join("; ")}`).toBe(0);
}

describe("console procedure fuzzing", () => {
  it("has a generator for every procedure of the router", () => {
    for (const procedure of procedures) {
      expect(PROCEDURE_ROLES[procedure.path], procedure.path).toBeDefined();
      expect(() => procedureCases(procedure), procedure.path).not.toThrow();
    }
  });

  for (const procedure of procedures) {
    it(`${procedure.type} ${procedure.path}: ${perProcedure} hostile calls, never a 5xx or a leak, state unchanged`, async () => {
      await fc.assert(fc.asyncProperty(procedureCases(procedure), exercise), fuzzParameters(SEED, perProcedure));
    }, Math.max(120_000, perProcedure * 500)); // FUZZ_SCALE may ask for many more requests
  }

  it(`sent at least ${BUDGET} calls`, () => {
    expect(sent.total).toBeGreaterThanOrEqual(BUDGET);
  });
});
