// Service keys and the server API's read routes over real HTTP, on both engines (INTEGRATION.md
// section 2): shown once, stored hashed, audited, revocable; no key or a revoked one is 401, out
// of scope or streams 403, and the records a key reads are only those of its streams.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceKey, revokeServiceKey } from "@/server/keys/service-keys";
import { ZServerRecordsResponse } from "@/server/sync/server-schemas";
import { errorOf } from "../support/answers";
import { connectDevice, pushAs } from "../support/console-data";
import { makeDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const admin = { type: "staff" as const, id: "admin-1" };

beforeAll(async () => {
  server = await startTestServer();
  const phone = await connectDevice(server.db.prisma, "ada", { streams: ["org:acme", "org:zeta"] });
  await pushAs(server.db.prisma, phone, 1, [
    ...["a", "b", "c"].map((id) => ({ type: "memo", id, stream: "org:acme", action: "create" as const, data: { content: id, tags: [], pinned: false } })),
    { type: "memo", id: "z", stream: "org:zeta", action: "create", data: { content: "z", tags: [], pinned: false } },
    { type: "memo", id: "own", action: "create", data: { content: "own", tags: [], pinned: false } },
  ]);
});
afterAll(() => server?.close());

const get = (path: string, key?: string) =>
  fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));
const ids = (body: unknown) => ZServerRecordsResponse.parse(body).records.map((r) => `${r.stream}/${r.id}`);

describe("service keys", () => {
  it("are shown once and stored only as a hash, with the creation audited; names are unique", async () => {
    const { key, summary } = await createServiceKey(server.db.prisma, admin, { name: "billing", scopes: ["read"], streams: ["org:*"] });
    expect(key).toMatch(/^sdk_[A-Za-z0-9_-]{43}$/);
    const row = await server.db.prisma.serviceKey.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.keyHash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(key.slice(4));
    expect(await server.db.prisma.auditEntry.findMany({ where: { targetId: summary.id }, select: { action: true, actorId: true } }))
      .toEqual([{ action: "service_key.create", actorId: "admin-1" }]);
    await expect(createServiceKey(server.db.prisma, admin, { name: "billing", scopes: ["read"], streams: ["*"] })).rejects.toMatchObject({ code: "conflict" });
    expect(await server.db.prisma.serviceKey.count({ where: { name: "billing" } })).toBe(1);
  });

  it("answer 401 without a key, with a device JWT, an unknown key or a revoked one", async () => {
    const { key } = await createServiceKey(server.db.prisma, admin, { name: "to-revoke", scopes: ["read"], streams: ["*"] });
    expect((await get("/api/v1/server/records", key)).status).toBe(200);
    const device = await makeDevice(server.url, "ada");
    for (const presented of [undefined, device.jwt, `sdk_${"x".repeat(43)}`]) {
      const answer = await get("/api/v1/server/records", presented);
      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe("unauthorized");
    }
    for (const presented of [undefined, device.jwt]) expect((await get("/api/v1/server/changes", presented)).status).toBe(401);
    expect((await get("/api/v1/server/changes", key)).status).toBe(200);
    await revokeServiceKey(server.db.prisma, admin, "to-revoke");
    expect((await get("/api/v1/server/records", key)).status).toBe(401);
    expect((await get("/api/v1/server/changes", key)).status).toBe(401);
    expect(await server.db.prisma.auditEntry.count({ where: { action: "service_key.revoke" } })).toBe(1);
  });

  it("answer 403 out of scope or out of streams", async () => {
    const { key: writer } = await createServiceKey(server.db.prisma, admin, { name: "writer-only", scopes: ["write"], streams: ["*"] });
    expect(errorOf(await get("/api/v1/server/records", writer)).code).toBe("forbidden");
    expect(errorOf(await get("/api/v1/server/changes", writer)).code).toBe("forbidden");
    const { key: acme } = await createServiceKey(server.db.prisma, admin, { name: "acme-reader", scopes: ["read"], streams: ["org:acme"] });
    const outside = await get("/api/v1/server/records?stream=org:zeta", acme);
    expect([outside.status, errorOf(outside).code]).toEqual([403, "forbidden"]);
    const feedOutside = await get("/api/v1/server/changes?streams=org:zeta", acme);
    expect([feedOutside.status, errorOf(feedOutside).code]).toEqual([403, "forbidden"]);
  });

  it("read only the records of the key's streams, paged by cursor and filtered", async () => {
    const { key } = await createServiceKey(server.db.prisma, admin, { name: "org-reader", scopes: ["read"], streams: ["org:*"] });
    expect(ids((await get("/api/v1/server/records", key)).body)).toEqual(["org:acme/a", "org:acme/b", "org:acme/c", "org:zeta/z"]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = ZServerRecordsResponse.parse((await get(`/api/v1/server/records?stream=org:acme&limit=2${cursor ? `&cursor=${cursor}` : ""}`, key)).body);
      seen.push(...page.records.map((r) => r.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(["a", "b", "c"]);
    expect(ids((await get("/api/v1/server/records?type=memo&id=z", key)).body)).toEqual(["org:zeta/z"]);
    const bad = await get("/api/v1/server/records?cursor=nope", key);
    expect([bad.status, errorOf(bad).code]).toEqual([400, "invalid_request"]);
  });
});
