// Isolation over real HTTP (PROTOCOL.md "Identity"): nothing outside a user's streams is ever read,
// written or revealed, even when two users use the same record ids; shared streams come only
// from the `streams` claim.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZConflictPage, type TPushItem } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, freshToken, memo, memoCreates, pullAll, push } from "../support/sync-client";
import { bodyOf } from "../support/answers";

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const keysOf = (items: { stream: string; id: string; data?: Record<string, unknown> }[]) =>
  items.map((i) => `${i.stream}/${i.id}/${String(i.data?.content)}`).sort();

/** Everything stored for a stream: records and change log, for before/after comparisons. */
async function streamState(stream: string) {
  const prisma = server.db.prisma;
  const records = await prisma.record.findMany({ where: { stream }, orderBy: { id: "asc" }, omit: { createdAt: true } });
  const changes = await prisma.change.findMany({ where: { stream }, orderBy: { seq: "asc" }, omit: { createdAt: true } });
  return { records, changes };
}

/** The push result of one item, with the record id blanked so answers about two ids compare. */
async function answerFor(device: TestDevice, bundleId: number, item: TPushItem) {
  const result = (await push(device, bundleId, [item])).results[0];
  return JSON.parse(JSON.stringify(result).replaceAll(item.id ?? "", "<id>"));
}

describe("isolation between users", () => {
  it("keeps two users' records apart even under the same ids", async () => {
    const alice = await makeDevice(server.url, "alice");
    const bob = await makeDevice(server.url, "bob");
    const [aliceToken, bobToken] = [await freshToken(alice), await freshToken(bob)];
    await push(bob, 1, [...memoCreates(2, "same"), ...memoCreates(1, "bobs")]);
    const created = await push(alice, 1, memoCreates(2, "same"));
    expect(created.results.map((r) => [r.status, r.version])).toEqual([["ok", 1], ["ok", 1]]);
    await push(alice, 2, [{ type: "memo", id: "same-0", action: "update", base_version: 1, data: memo("alice's") }]);
    const bobBefore = await streamState("user:bob");

    // Alice cannot tell bob's ids from ids nobody uses, whether she names bob's stream or not.
    let bundle = 10;
    for (const stream of [undefined, "user:bob"]) {
      for (const action of ["update", "delete"] as const) {
        const item = (id: string): TPushItem => ({
          type: "memo", id, action, base_version: 1, ...(stream ? { stream } : {}),
          ...(action === "update" ? { data: memo("hijack") } : {}),
        });
        const bobs = await answerFor(alice, bundle++, item("bobs-0"));
        const nobodys = await answerFor(alice, bundle++, item("nobodys-0"));
        expect(bobs).toEqual(nobodys);
        expect(bobs.status).toBe("error");
        expect(bobs.error.code).toBe(stream ? "forbidden" : "not_found");
      }
    }
    expect(await streamState("user:bob")).toEqual(bobBefore);

    const aliceBoot = (await bootstrapAll(alice)).pages.flat();
    const bobBoot = (await bootstrapAll(bob)).pages.flat();
    expect(keysOf(aliceBoot)).toEqual(["user:alice/same-0/alice's", "user:alice/same-1/same 1"]);
    expect(keysOf(bobBoot)).toEqual(["user:bob/bobs-0/bobs 0", "user:bob/same-0/same 0", "user:bob/same-1/same 1"]);
    const alicePulled = (await pullAll(alice, aliceToken)).pages.flatMap((p) => p.changes);
    const bobPulled = (await pullAll(bob, bobToken)).pages.flatMap((p) => p.changes);
    expect(new Set(alicePulled.map((c) => c.stream))).toEqual(new Set(["user:alice"]));
    expect(alicePulled).toHaveLength(3);
    expect(new Set(bobPulled.map((c) => c.stream))).toEqual(new Set(["user:bob"]));
    expect(bobPulled).toHaveLength(3);
  });

  it("does not reveal another user's conflicts", async () => {
    const alice = await makeDevice(server.url, "alice");
    const bob = await makeDevice(server.url, "bob");
    const meter = (reading: number) => ({ code: "M", reading, unit: "kWh" });
    await push(bob, 1, [{ type: "meter", id: "m", action: "create", data: meter(1) }]);
    await push(bob, 2, [{ type: "meter", id: "m", action: "update", base_version: 1, data: meter(2) }]);
    const stored = await push(bob, 3, [{ type: "meter", id: "m", action: "update", base_version: 1, data: meter(3) }]);
    const conflictId = stored.results[0]?.conflict?.conflict_id ?? "";
    expect(conflictId).not.toBe("");

    const listed = await alice.call("GET", "/api/v1/conflicts?status=all");
    expect(listed.status).toBe(200);
    expect(bodyOf(listed, ZConflictPage).conflicts).toEqual([]);
    const resolve = (id: string) => alice.call("POST", `/api/v1/conflicts/${id}/resolve`, { resolution: "accept_client" });
    const bobs = await resolve(conflictId);
    const nobodys = await resolve("00000000-0000-4000-8000-000000000000");
    expect(bobs.status).toBe(404);
    expect(bobs.body).toEqual(nobodys.body);
    const conflict = await server.db.prisma.conflict.findUniqueOrThrow({ where: { id: conflictId } });
    expect(conflict.status).toBe("open");
    expect((await server.db.prisma.record.findFirstOrThrow({ where: { stream: "user:bob", id: "m" } })).version).toBe(2);
  });
});

describe("shared streams", () => {
  it("are visible to every user granted them by the streams claim and to no one else", async () => {
    const alice = await makeDevice(server.url, "alice", { streams: ["org:acme"] });
    const bob = await makeDevice(server.url, "bob", { streams: ["org:acme"] });
    const carol = await makeDevice(server.url, "carol", { streams: ["org:other"] });
    const [bobToken, carolToken] = [await freshToken(bob), await freshToken(carol)];
    await push(alice, 1, memoCreates(2, "plan", "org:acme"));
    const edited = await push(bob, 1, [{ type: "memo", id: "plan-0", stream: "org:acme", action: "update", base_version: 1, data: memo("bob's") }]);
    expect(edited.status).toBe("applied");

    expect(keysOf((await bootstrapAll(alice)).pages.flat())).toEqual(["org:acme/plan-0/bob's", "org:acme/plan-1/plan 1"]);
    expect((await pullAll(bob, bobToken)).pages.flatMap((p) => p.changes.map((c) => `${c.stream}/${c.id}/v${c.version}`)))
      .toEqual(["org:acme/plan-0/v1", "org:acme/plan-1/v1", "org:acme/plan-0/v2"]);

    const acmeBefore = await streamState("org:acme");
    expect((await bootstrapAll(carol)).pages.flat()).toEqual([]);
    expect((await pullAll(carol, carolToken)).pages.flatMap((p) => p.changes)).toEqual([]);
    const attempt = await push(carol, 1, [
      { type: "memo", id: "plan-0", stream: "org:acme", action: "update", base_version: 2, data: memo("carol's") },
      { type: "memo", id: "plan-9", stream: "org:acme", action: "create", data: memo("carol's") },
      { type: "memo", id: "plan-1", action: "delete", base_version: 1 },
    ]);
    expect(attempt.results.map((r) => r.error?.code)).toEqual(["forbidden", "forbidden", "not_found"]);
    expect(await streamState("org:acme")).toEqual(acmeBefore);
  });

  it("stop being read or written once the claim no longer grants them", async () => {
    const before = await makeDevice(server.url, "alice", { streams: ["org:acme"] });
    const token = await freshToken(before);
    await push(before, 1, memoCreates(1, "shared", "org:acme"));
    const after = await makeDevice(server.url, "alice", { deviceId: before.deviceId }); // claim dropped
    await push(after, 2, memoCreates(1, "own"));
    const writer = await makeDevice(server.url, "bob", { streams: ["org:acme"] });
    await push(writer, 1, memoCreates(1, "later", "org:acme"));

    const changes = (await pullAll(after, token)).pages.flatMap((p) => p.changes);
    expect(changes.map((c) => `${c.stream}/${c.id}`)).toEqual(["user:alice/own-0"]);
    expect((await bootstrapAll(after)).pages.flat().map((r) => r.stream)).toEqual(["user:alice"]);
    const refused = await push(after, 3, [...memoCreates(1, "own2"), ...memoCreates(1, "sneak", "org:acme")]);
    expect(refused.status).toBe("partial");
    expect(refused.results.map((r) => r.status)).toEqual(["ok", "error"]);
    expect(refused.results[1]?.error?.code).toBe("forbidden");
    expect(await server.db.prisma.record.count({ where: { stream: "org:acme" } })).toBe(2);
  });
});
