// Authorization matrix of the console against the production server (issue 9 item 2): every
// console page (found in app/(console), so new pages are covered) and every tRPC procedure x
// {logged out, viewer, support, operator, admin}, with sessions from the real login. Logged out,
// pages redirect to /login and say nothing; each role sees every page (what a role may do is
// hidden or refused inside it). Procedures get an input their schema refuses: an allowed role is
// answered 400 (the role check passed, nothing ran), a refused one 401 or 403, one body per kind.
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { z } from "zod";
import { ZErrorBody } from "@syncdesk/protocol";
import { CONSOLE_URL } from "../../playwright.config";
import { PROCEDURES } from "../../test/hardening/support/procedure-roles";
import { E2E_STAFF } from "../support/accounts";
import { expect, test } from "../support/fixtures";

const ROLES = ["viewer", "support", "operator", "admin"] as const;
type Role = (typeof ROLES)[number];
const rank = (role: Role | "public") => (role === "public" ? -1 : ROLES.indexOf(role));

/** Every console page's path, dynamic segments filled with an id that names nothing. */
function consolePages(dir = path.join(process.cwd(), "app", "(console)"), prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return consolePages(path.join(dir, entry.name), `${prefix}/${entry.name.replace(/^\[.+\]$/, randomUUID())}`);
    return entry.name === "page.tsx" ? [prefix || "/"] : [];
  });
}

/** A request context logged in through next-auth's credentials flow, as the login form does. */
async function loggedIn(role: Role): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL: CONSOLE_URL });
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await (await context.get("/api/auth/csrf")).json());
  const login = await context.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: E2E_STAFF[role].email, password: E2E_STAFF[role].password, callbackUrl: `${CONSOLE_URL}/overview`, json: "true" },
    maxRedirects: 0,
  });
  expect(login.status(), await login.text()).toBeLessThan(400);
  const me = await context.get(`/api/trpc/session.me`);
  const session = z.object({ result: z.object({ data: z.object({ json: z.object({ role: z.string() }) }) }) }).parse(await me.json());
  expect(session.result.data.json.role).toBe(role);
  return context;
}

const SECRETS = /@e2e\.test|password|\bat \S+:\d+:\d+|node_modules|prisma|postgres/i;

test.describe.configure({ mode: "serial" });

const contexts = new Map<Role | "logged out", APIRequestContext>();
test.beforeAll(async () => {
  contexts.set("logged out", await playwrightRequest.newContext({ baseURL: CONSOLE_URL }));
  for (const role of ROLES) contexts.set(role, await loggedIn(role));
});
test.afterAll(async () => {
  for (const context of contexts.values()) await context.dispose();
});

test("every console page: logged out is sent to /login with nothing in the answer; every role sees it", async () => {
  test.setTimeout(240_000);
  const pages = consolePages();
  expect(pages.length).toBeGreaterThanOrEqual(9);
  for (const page of pages) {
    const anonymous = await contexts.get("logged out")!.get(page, { maxRedirects: 0 });
    expect([303, 307, 308], `${page} logged out`).toContain(anonymous.status());
    expect(anonymous.headers().location ?? "", page).toMatch(/\/login$/);
    expect(await anonymous.text(), `${page} logged out`).not.toMatch(SECRETS);
    for (const role of ROLES) {
      const answer = await contexts.get(role)!.get(page, { maxRedirects: 0 });
      expect(answer.status(), `${page} as ${role}`).toBe(200);
      expect(await answer.text(), `${page} as ${role}`).toContain(`data-testid="staff-role">${role}<`);
    }
  }
});

test("the console's own API routes refuse a logged-out caller with the 401 envelope", async () => {
  for (const route of ["/api/console/events", `/api/console/blobs/b_AAAAAAAAAAAAAAAAAAAAAA`]) {
    const answer = await contexts.get("logged out")!.get(route);
    expect(answer.status(), route).toBe(401);
    expect(ZErrorBody.parse(await answer.json())).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  }
  const ownAccount: Array<[string, unknown]> = [
    ["/api/console/password", { current: "x", next: "y".repeat(12) }],
    ["/api/console/two-factor", { action: "begin" }],
  ];
  for (const [route, data] of ownAccount) {
    const answer = await contexts.get("logged out")!.post(route, { data, headers: { "x-syncdesk-csrf": "1" } });
    expect(answer.status(), route).toBe(401);
    expect(await answer.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  }
  for (const role of ROLES) {
    const answer = await contexts.get(role)!.get("/api/console/blobs/b_AAAAAAAAAAAAAAAAAAAAAA");
    expect(answer.status(), role).toBe(404);
  }
});

test("every procedure x {logged out, each role}: allowed exactly from its role, one refusal body per kind, no stack", async () => {
  test.setTimeout(240_000);
  const refusals = new Map<string, Set<string>>();
  for (const [procedure, { role: required, type, noInput }] of Object.entries(PROCEDURES)) {
    for (const [who, context] of contexts) {
      const input = encodeURIComponent(JSON.stringify({ json: 42 }));
      const answer = type === "query"
        ? await context.get(`/api/trpc/${procedure}?input=${input}`)
        : await context.post(`/api/trpc/${procedure}`, { data: { json: 42 }, headers: { "x-syncdesk-csrf": "1" } });
      const allowed = required === "public" || (who !== "logged out" && rank(who) >= rank(required));
      const expected = allowed ? (noInput ? 200 : 400) : who === "logged out" ? 401 : 403;
      const text = await answer.text();
      expect(answer.status(), `${procedure} as ${who}: ${text.slice(0, 200)}`).toBe(expected);
      expect(text, `${procedure} as ${who}`).not.toMatch(/\bat \S+:\d+:\d+|node_modules|"stack":"/);
      if (expected >= 401 && expected <= 403) {
        const key = `${expected} ${expected === 403 ? required : ""}`;
        refusals.set(key, (refusals.get(key) ?? new Set()).add(text.replaceAll(procedure, "<path>")));
      }
    }
  }
  for (const [kind, bodies] of refusals) expect([...bodies], kind).toHaveLength(1);
});
