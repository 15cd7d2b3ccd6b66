// Authorization matrix of the console API (issue 9 item 2): every tRPC procedure, read from the
// router, x {logged out, forged cookie, expired cookie, disabled account, viewer, support, operator,
// admin}, through the real tRPC route with real session cookies. Each call carries an input the
// procedure's schema refuses, so an allowed role is answered 400 (the role check passed, nothing
// ran) and a refused one 401 or 403; the refusals are the same per kind and say nothing internal,
// and the database is unchanged. What each procedure does for its roles with a valid input is
// tested per procedure (server/trpc/routers/**); this covers every procedure and every role at once.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabase } from "@/server/db/client";
import { hasRole, ROLES, type Role } from "@/server/staff/roles";
import { configureTestEnv, connectDevice, createStaffAs, memo, pushAs } from "@/test/support/console-data";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { LEAK } from "./support/answers";
import { sessionCookie, withRequest } from "./support/console-session";
import { PROCEDURES } from "./support/procedure-roles";
import { listProcedures, PROCEDURE_ROLES, trpcRequest, type ProcedureInfo } from "./support/trpc-procedures";
import { diffState, snapshotState } from "./support/state";

vi.mock("@/server/auth/session", () => import("./support/console-session"));

configureTestEnv();
process.env.AUTH_SECRET ??= "test-auth-secret-0123456789-abcdefghijklmnop";
const route = await import("@/app/api/trpc/[trpc]/route");

type Persona = { name: string; role: Role | null; cookie?: string };
let db: TestDatabase;
const personas: Persona[] = [];
const procedures = listProcedures();

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  const phone = await connectDevice(db.prisma, "ann");
  await pushAs(db.prisma, phone, 1, [{ type: "memo", id: "m1", action: "create", data: memo("private") }]);
  const admin = await createStaffAs(db.prisma, "admin");
  const disabled = await createStaffAs(db.prisma, "admin");
  await db.prisma.staffUser.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
  personas.push(
    { name: "logged out", role: null },
    { name: "a cookie signed with another secret", role: null, cookie: await sessionCookie(admin, { secret: "not-the-auth-secret-0123456789-abcdefgh" }) },
    { name: "an expired cookie", role: null, cookie: await sessionCookie(admin, { maxAge: -60 }) },
    { name: "a disabled admin", role: null, cookie: await sessionCookie(disabled) },
    { name: "garbage cookie", role: null, cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z" },
  );
  for (const role of ROLES) personas.push({ name: role, role, cookie: await sessionCookie(await createStaffAs(db.prisma, role)) });
});
afterAll(() => db?.close());

/** An input the procedure's schema refuses (so an allowed call stops at validation). */
function refusedInput(procedure: ProcedureInfo): unknown {
  if (!procedure.input) return undefined;
  const candidates: unknown[] = [42, "not an input", [], null, { id: 42, unexpected: true }];
  const refused = candidates.find((c) => !procedure.input?.safeParse(c).success);
  if (refused === undefined) throw new Error(`${procedure.path}: no refused input among the candidates`);
  return refused;
}

type TrpcError = { error?: { json?: { message?: string; code?: number; data?: Record<string, unknown> } } };

async function call(procedure: ProcedureInfo, persona: Persona) {
  const request = trpcRequest(procedure, refusedInput(procedure), { cookie: persona.cookie });
  const handler = request.method === "GET" ? route.GET : route.POST;
  const response = await withRequest(handler, request);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as TrpcError & { result?: { data?: { json?: unknown } } } };
}

describe("console authorization matrix", () => {
  it("knows the role of every procedure of the router", () => {
    expect(procedures.length).toBeGreaterThan(10);
    for (const procedure of procedures) {
      expect(PROCEDURE_ROLES[procedure.path], procedure.path).toBeDefined();
      expect(PROCEDURES[procedure.path]?.type, procedure.path).toBe(procedure.type);
      expect(PROCEDURES[procedure.path]?.noInput ?? false, `${procedure.path} takes no input`).toBe(procedure.input === null);
    }
    for (const path of Object.keys(PROCEDURE_ROLES)) expect(procedures.map((p) => p.path)).toContain(path);
  });

  it("allows each procedure exactly for its roles: 401 without a live session, 403 below the role, no leak, nothing written", async () => {
    const before = await snapshotState(db.prisma);
    const refusals = new Map<string, Set<string>>();
    let calls = 0;
    for (const procedure of procedures) {
      const required = PROCEDURE_ROLES[procedure.path] ?? "admin";
      for (const persona of personas) {
        const answer = await call(procedure, persona);
        calls += 1;
        const where = `${procedure.path} as ${persona.name}: ${answer.text.slice(0, 300)}`;
        const allowed = required === "public" || (persona.role !== null && hasRole(persona.role, required));
        const expected = allowed ? (procedure.input ? 400 : 200) : persona.role === null ? 401 : 403;
        expect(answer.status, where).toBe(expected);
        if (expected === 200) continue;
        const data = answer.body.error?.json?.data ?? {};
        expect(data.stack ?? null, where).toBeNull(); // superjson writes the removed stack as null
        expect(answer.text, where).not.toMatch(/\bat \S+:\d+:\d+|node_modules|\/work\//);
        expect(answer.body.error?.json?.message ?? "", where).not.toMatch(LEAK);
        if (expected === 400) {
          expect(data.code, where).toBe("BAD_REQUEST");
          continue;
        }
        expect(data.code, where).toBe(expected === 401 ? "UNAUTHORIZED" : "FORBIDDEN");
        expect(data.appCode, where).toBe(expected === 401 ? "unauthorized" : "forbidden"); // through the code table
        // One refusal per kind and role: the same bytes but for the procedure's own path.
        const key = `${expected} ${expected === 403 ? required : ""}`;
        refusals.set(key, (refusals.get(key) ?? new Set()).add(answer.text.replaceAll(procedure.path, "<path>")));
      }
    }
    for (const [kind, bodies] of refusals) expect([...bodies], kind).toHaveLength(1);
    expect(diffState(before, await snapshotState(db.prisma))).toEqual([]);
    console.log(`console matrix: ${calls} calls, ${procedures.length} procedures x ${personas.length} personas`);
  });

  it("tells nobody who is logged in unless the session is live (session.me)", async () => {
    const me = procedures.find((p) => p.path === "session.me");
    expect(me).toBeDefined();
    if (!me) return;
    for (const persona of personas) {
      const answer = await call(me, persona);
      const staff = answer.body.result?.data?.json as { role?: string } | null | undefined;
      expect(staff?.role ?? null, persona.name).toBe(persona.role);
    }
  });
});
