// Bootstrap over real HTTP (PROTOCOL.md "Bootstrap"): a paged snapshot that, with one pull from its
// token, equals the server's state even while other devices write during the paging.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZBootstrapResponse, type TPushItem, type TRecord } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { keyOf, Replica, serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, memo, okBody, pullAll, push } from "../support/sync-client";
import { errorOf, invalidFieldsOf, bodyOf } from "../support/answers";

let server: TestServer;
let alice: TestDevice;

beforeEach(async () => {
  server = await startTestServer();
  alice = await makeDevice(server.url, "alice", { streams: ["org:x"] });
});
afterEach(() => server.close());

const STREAMS = ["org:x", "user:alice"];
const pad = (n: number) => String(n).padStart(4, "0");
const creates = (count: number, make: (n: number) => Omit<TPushItem, "action">): TPushItem[] =>
  Array.from({ length: count }, (_, n) => ({ ...make(n), action: "create" }));
const diary = (n: number) => ({ type: "diary", id: `day-${pad(n)}`, data: { date: "2024-01-01", mood: "ok", summary: `day ${n}` } });
const noot = (n: number) => ({ type: "noot", id: `n-${pad(n)}`, stream: "org:x", data: { title: `noot ${n}`, activities: [] } });

/** 1,250 live records in two streams and three types, and 20 tombstones. */
async function seed(writer: TestDevice): Promise<void> {
  const bundles = [
    creates(500, (n) => ({ type: "memo", id: `seed-${pad(n)}`, data: memo(`seed ${n}`) })),
    [...creates(20, (n) => ({ type: "memo", id: `gone-${pad(n)}`, data: memo("gone") })), ...creates(250, diary)],
    creates(500, noot),
    Array.from({ length: 20 }, (_, n) => ({ type: "memo", id: `gone-${pad(n)}`, action: "delete" as const })),
  ];
  for (const [n, items] of bundles.entries()) await pushApplied(writer, n + 1, items);
}

async function pushApplied(device: TestDevice, bundleId: number, items: TPushItem[]): Promise<void> {
  const response = await push(device, bundleId, items);
  if (response.status !== "applied") throw new Error(`bundle ${bundleId}: ${JSON.stringify(response.results.find((r) => r.status !== "ok"))}`);
}

/** The edits other devices make while page `i` is in the device's hands: creates, updates and
 *  deletes of records on pages already sent and on pages still to come, in both streams. */
function editsDuring(i: number): { own: TPushItem[]; shared: TPushItem[] } {
  const update = (type: string, id: string, data: Record<string, unknown>, stream?: string): TPushItem =>
    ({ type, id, action: "update", data, ...(stream ? { stream } : {}) });
  return {
    own: [
      { type: "memo", id: `new-${pad(i)}`, action: "create", data: memo(`new ${i}`) },
      update("memo", `seed-${pad((i * 37) % 500)}`, memo(`edit ${i}`)),
      update("diary", `day-${pad(249 - i)}`, { ...diary(0).data, summary: `edit ${i}` }),
      { type: "diary", id: `day-${pad(i * 7)}`, action: "delete" },
    ],
    shared: [
      update("noot", `n-${pad((i * 53) % 500)}`, { title: `edit ${i}`, activities: [] }, "org:x"),
      { type: "noot", id: `n-${pad(499 - i)}`, stream: "org:x", action: "delete" },
      { ...noot(1000 + i), action: "create" },
    ],
  };
}

/** The change log up to the snapshot point, folded to each record's last change. */
async function stateAt(heads: Record<string, number>) {
  const changes = await server.db.prisma.change.findMany({
    where: { OR: Object.entries(heads).map(([stream, head]) => ({ stream, seq: { lte: BigInt(head) } })) },
    orderBy: [{ stream: "asc" }, { seq: "asc" }],
  });
  return new Map(changes.map((c) => [keyOf({ stream: c.stream, type: c.type, id: c.recordId }), c]));
}

describe("bootstrap", () => {
  it("of 1,250 records in pages, with writes during it, converges after one pull", async () => {
    const phone = await makeDevice(server.url, "alice", { streams: ["org:x"] });
    const bob = await makeDevice(server.url, "bob", { streams: ["org:x"] });
    await seed(phone);
    const heads = Object.fromEntries((await server.db.prisma.stream.findMany()).map((s) => [s.name, Number(s.headSeq)]));
    const first = await alice.call("POST", "/api/v1/sync/bootstrap", { device_id: alice.deviceId });
    expect(bodyOf(first, ZBootstrapResponse).items).toHaveLength(500); // the default limit

    const { pages, token } = await bootstrapAll(alice, { limit: 100 }, async (_page, i) => {
      const edits = editsDuring(i);
      await pushApplied(phone, 100 + i, edits.own);
      await pushApplied(bob, 100 + i, edits.shared);
    });
    const items = pages.flat();
    expect(pages.length).toBeGreaterThanOrEqual(12);
    expect(pages.slice(0, -1).every((p) => p.length === 100)).toBe(true);

    // Pages: in key order, no duplicates, only the snapshot's live state, no gaps.
    const keys = items.map(keyOf);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(items.filter((r) => r.deleted || r.id.startsWith("gone-"))).toEqual([]);
    const atH = await stateAt(heads);
    for (const item of items) {
      expect(atH.get(keyOf(item)), keyOf(item)).toMatchObject({ op: "upsert", version: item.version });
    }
    const untouched = await server.db.prisma.record.findMany({
      where: { deleted: false, OR: Object.entries(heads).map(([stream, head]) => ({ stream, lastSeq: { lte: BigInt(head) } })) },
      select: { stream: true, type: true, id: true },
    });
    expect(untouched.length).toBeGreaterThan(1150);
    const sent = new Set(keys);
    expect(untouched.map(keyOf).filter((k) => !sent.has(k))).toEqual([]);

    await pushApplied(phone, 999, [{ type: "memo", id: "after-0001", action: "create", data: memo("after") }]);
    const replica = new Replica();
    replica.applyRecords(items);
    replica.applyChanges((await pullAll(alice, token)).pages.flatMap((p) => p.changes));
    const live = await serverSummary(server.db.prisma, STREAMS);
    expect(live.length).toBeGreaterThan(1200);
    expect(replica.summary()).toEqual(live);
  });

  it("sends only the requested types, and the token keeps that filter", async () => {
    await push(alice, 1, [...creates(3, diary), ...creates(3, (n) => ({ type: "memo", id: `m-${n}`, data: memo("m") }))]);
    const { pages, token } = await bootstrapAll(alice, { types: ["diary"], limit: 2 });
    expect(pages.flat().map((r) => r.id)).toEqual(["day-0000", "day-0001", "day-0002"]);
    await push(alice, 2, [
      { type: "memo", id: "m-9", action: "create", data: memo("m") },
      { ...diary(9), action: "create" },
    ]);
    const changes = (await pullAll(alice, token)).pages.flatMap((p) => p.changes);
    expect(changes.map((c) => `${c.type}/${c.id}`)).toEqual(["diary/day-0009"]);
  });

  it("answers an unknown type or a limit out of range with 400", async () => {
    const bad = [
      { device_id: alice.deviceId, types: ["memo", "nope"] },
      { device_id: alice.deviceId, limit: 5001 },
      { device_id: alice.deviceId, limit: 0 },
    ];
    for (const body of bad) {
      const answer = await alice.call("POST", "/api/v1/sync/bootstrap", body);
      expect(answer.status).toBe(400);
      expect(errorOf(answer).code).toBe("invalid_request");
      expect(invalidFieldsOf(answer).length).toBeGreaterThan(0);
    }
    const max = await alice.call("POST", "/api/v1/sync/bootstrap", { device_id: alice.deviceId, limit: 5000 });
    expect(max.status).toBe(200);
  });

  it("refuses a tampered or foreign cursor with 401 invalid_token", async () => {
    await push(alice, 1, creates(5, diary));
    const page = okBody(await alice.call("POST", "/api/v1/sync/bootstrap", { device_id: alice.deviceId, limit: 2 }), ZBootstrapResponse, "bootstrap");
    if (page.cursor === null) throw new Error("a first page of two records must carry a cursor");
    const phone = await makeDevice(server.url, "alice", { streams: ["org:x"] });
    const bob = await makeDevice(server.url, "bob", { streams: ["org:x"] });
    const [body, sig] = page.cursor.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    const skipped = `${Buffer.from(JSON.stringify({ ...payload, after: ["user:alice", "diary", "day-0003"] })).toString("base64url")}.${sig}`;
    const attempts: [TestDevice, string][] = [
      [alice, skipped], [alice, `${body}.${sig.slice(1)}`], [alice, "garbage"], [phone, page.cursor], [bob, page.cursor],
    ];
    for (const [device, cursor] of attempts) {
      const answer = await device.call("POST", "/api/v1/sync/bootstrap", { device_id: device.deviceId, cursor, limit: 2 });
      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe("invalid_token");
    }
    const asPull = await alice.call("POST", "/api/v1/sync/pull", { token: page.cursor });
    expect(asPull.status).toBe(401);
    const next = await alice.call("POST", "/api/v1/sync/bootstrap", { device_id: alice.deviceId, cursor: page.cursor, limit: 2 });
    expect(bodyOf(next, ZBootstrapResponse).items.map((r: TRecord) => r.id)).toEqual(["day-0002", "day-0003"]);
  });
});
