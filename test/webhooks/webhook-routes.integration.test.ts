// The webhook routes of the server API over real HTTP, on both engines: a key with the admin
// scope registers (secret shown once), lists (no secrets) and removes endpoints, each audited;
// every webhook route answers 401 without a live key and 403 without the admin scope or for
// streams beyond the key's, storing nothing; bad input is a 400 envelope, unknown ids 404.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOBILE_ROUTES } from "@/server/http/mobile-routes";
import { createServiceKey, revokeServiceKey } from "@/server/keys/service-keys";
import { ZWebhookCreated, ZWebhookDeleted, ZWebhookList } from "@/server/webhooks/schemas";
import { bodyOf, errorOf } from "../support/answers";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let adminKey: string;
const admin = { type: "staff" as const, id: "admin-1" };
const HOOKS = "/api/v1/server/webhooks";
const hookRoutes = MOBILE_ROUTES.filter((r) => r.path.startsWith(HOOKS));

beforeAll(async () => {
  server = await startTestServer();
  ({ key: adminKey } = await createServiceKey(server.db.prisma, admin, { name: "hooks-admin", scopes: ["admin"], streams: ["org:*"] }));
});
afterAll(() => server?.close());

async function call(method: string, path: string, key: string | undefined, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}
const register = (body: unknown, key = adminKey) => call("POST", HOOKS, key, body);
const hook = (extra: Record<string, unknown> = {}) => ({ url: "https://backend.example.com/syncdesk", events: ["bundle.committed"], ...extra });
const stored = () => server.db.prisma.webhookEndpoint.count();

describe("webhook routes", () => {
  it("register with the secret shown once, list without secrets, remove; each audited", async () => {
    const created = await register(hook({ streams: ["org:acme"] }));
    expect(created.status).toBe(201);
    const { id, secret } = bodyOf(created, ZWebhookCreated);
    expect(secret).toMatch(/^whsec_/);
    expect((await server.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).secret).toBe(secret);
    const defaulted = bodyOf(await register(hook()), ZWebhookCreated);
    const list = await call("GET", HOOKS, adminKey);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
    expect(bodyOf(list, ZWebhookList).webhooks.map((w) => [w.id, w.streams, w.disabled])).toEqual(
      expect.arrayContaining([[id, ["org:acme"], false], [defaulted.id, ["org:*"], false]]));
    const removed = await call("DELETE", `${HOOKS}/${id}`, adminKey);
    expect(bodyOf(removed, ZWebhookDeleted)).toEqual({ id, deleted: true });
    expect(await server.db.prisma.webhookEndpoint.findUnique({ where: { id } })).toBeNull();
    const audit = await server.db.prisma.auditEntry.findMany({ where: { targetId: id }, orderBy: { id: "asc" }, select: { action: true, actorType: true, actorId: true } });
    expect(audit).toEqual([
      { action: "webhook.create", actorType: "system", actorId: "service_key:hooks-admin" },
      { action: "webhook.delete", actorType: "system", actorId: "service_key:hooks-admin" },
    ]);
    const again = await call("DELETE", `${HOOKS}/${id}`, adminKey);
    expect([again.status, errorOf(again).code]).toEqual([404, "not_found"]);
    const notUuid = await call("DELETE", `${HOOKS}/not-a-uuid`, adminKey);
    expect([notUuid.status, errorOf(notUuid).code]).toEqual([404, "not_found"]);
  });

  it("refuse bad input with a 400 envelope and store nothing", async () => {
    const before = await stored();
    for (const body of [
      {}, hook({ url: "ftp://example.com/x" }), hook({ url: "https://user:pw@example.com/x" }), hook({ events: ["record.changed"] }),
      hook({ events: [] }), hook({ streams: ["not a pattern"] }), hook({ extra: 1 }), "not json", hook({ url: `https://e.com/${"x".repeat(2100)}` }),
    ]) {
      const answer = await register(body);
      expect([answer.status, errorOf(answer).code], JSON.stringify(body).slice(0, 80)).toEqual([400, "invalid_request"]);
    }
    expect(await stored()).toBe(before);
  });

  it("answer 401 without a live key and 403 without the admin scope or beyond the key's streams, storing nothing", async () => {
    expect(hookRoutes.map((r) => r.id).sort()).toEqual(["createWebhook", "deleteWebhook", "listWebhooks"]);
    const { key: reader } = await createServiceKey(server.db.prisma, admin, { name: "hooks-reader", scopes: ["read", "write"], streams: ["*"] });
    const { key: revoked } = await createServiceKey(server.db.prisma, admin, { name: "hooks-revoked", scopes: ["admin"], streams: ["*"] });
    await revokeServiceKey(server.db.prisma, admin, "hooks-revoked");
    const { id } = bodyOf(await register(hook()), ZWebhookCreated);
    const before = await stored();
    for (const route of hookRoutes) {
      const path = route.path.replace("{id}", id);
      const body = route.method === "post" ? hook() : undefined;
      for (const [key, status, code] of [[undefined, 401, "unauthorized"], [revoked, 401, "unauthorized"], [`sdk_${"x".repeat(43)}`, 401, "unauthorized"], [reader, 403, "forbidden"]] as const) {
        const answer = await call(route.method.toUpperCase(), path, key, body);
        expect([answer.status, errorOf(answer).code], `${route.id} with ${String(key).slice(0, 8)}`).toEqual([status, code]);
      }
    }
    const beyond = await register(hook({ streams: ["user:*"] }));
    expect([beyond.status, errorOf(beyond).code]).toEqual([403, "forbidden"]);
    const everything = await register(hook({ streams: ["*"] }));
    expect([everything.status, errorOf(everything).code]).toEqual([403, "forbidden"]);
    expect(await stored()).toBe(before);
  });
});
