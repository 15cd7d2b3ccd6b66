// Verify and repair over real HTTP (PROTOCOL.md "Verify"): a device whose copy drifted learns
// exactly what to fix, page by page in key order, and ends with the server's digest; checksums
// and fetch read the same records; nothing of another user's streams is ever revealed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumOf } from "@/server/sync/canonical";
import { compareKeys } from "@/server/sync/key-range";
import { ZChecksumsResponse, ZDigestResponse, ZFetchResponse, ZVerifyResponse, type TChecksumsResponse, type TPushItem } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { serverSummary } from "../support/replica";
import { startTestServer, type TestServer } from "../support/server";
import { bootstrapAll, memo, okBody, push } from "../support/sync-client";
import { LocalStore, localKey, repairWithVerify } from "../support/verify-client";
import { errorOf, invalidFieldsOf } from "../support/answers";

let server: TestServer;
let users = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A fresh user (so tests share the server, never data) with a shared stream of its own. */
async function newUser(name: string) {
  users += 1;
  const org = `org:${name}-${users}`;
  const device = await makeDevice(server.url, `${name}-${users}`, { streams: [org] });
  return { device, org, own: `user:${device.userId}` };
}

const creates = (ids: string[], stream?: string): TPushItem[] =>
  ids.map((id) => ({ type: "memo", id, action: "create", data: memo(`memo ${id}`), ...(stream ? { stream } : {}) }));

async function serverDigest(device: TestDevice, types?: string) {
  return okBody(await device.call("GET", `/api/v1/sync/digest${types ? `?types=${types}` : ""}`), ZDigestResponse, "digest");
}

async function bootstrapStore(device: TestDevice): Promise<LocalStore> {
  const store = new LocalStore();
  for (const page of (await bootstrapAll(device)).pages) for (const record of page) store.put(record);
  return store;
}

// Ids whose code-point order differs from JavaScript's default (UTF-16) order and from a locale's.
const ODD_IDS = ["Zebra", "apple", "é", "\uFFFD", "😀", "a b", "a-b"];

describe("POST /api/v1/sync/verify", () => {
  it("repairs a corrupted copy (changed, missing, extra records) and ends with an equal digest", async () => {
    const { device, org, own } = await newUser("alice");
    const ids = [...Array.from({ length: 20 }, (_, i) => `m-${String(i).padStart(2, "0")}`), ...ODD_IDS];
    await push(device, 1, [...creates(ids), ...creates(["o-1", "o-2", "o-3"], org)]);
    await push(device, 2, [{ type: "diary", id: "d-1", action: "create", data: { date: "2026-01-02", mood: "ok", summary: "x" } }]);
    const store = await bootstrapStore(device);
    expect(store.records.size).toBe(ids.length + 4);
    const healthy = await serverDigest(device);
    expect(store.digest()).toBe(healthy.digest);

    // A deletion on the server that this device never pulled.
    const other = await makeDevice(server.url, device.userId, { streams: [org] });
    await push(other, 1, [{ type: "memo", id: "m-05", action: "delete" }]);
    // Local corruption: edited data, lost records, records the server never had.
    const changedKeys = [{ stream: own, type: "memo", id: "m-01" }, { stream: own, type: "memo", id: "😀" }, { stream: org, type: "memo", id: "o-2" }];
    for (const key of changedKeys) store.put({ ...key, data: memo("garbled"), checksum: checksumOf(memo("garbled")) });
    const missingKeys = [{ stream: own, type: "memo", id: "m-10" }, { stream: own, type: "memo", id: "\uFFFD" }, { stream: own, type: "diary", id: "d-1" }];
    for (const key of missingKeys) store.remove(key);
    const extraKeys = [{ stream: own, type: "memo", id: "ghost" }, { stream: org, type: "noot", id: "phantom" }];
    for (const key of extraKeys) store.put({ ...key, data: memo("ghost"), checksum: checksumOf(memo("ghost")) });
    expect(store.digest()).not.toBe((await serverDigest(device)).digest);

    const pages = await repairWithVerify(device, store, 6);

    expect(pages.length).toBeGreaterThan(3);
    const all = (pick: (p: (typeof pages)[number]) => { stream: string; type: string; id: string }[]) =>
      pages.flatMap(pick).map(localKey).sort();
    expect(all((p) => p.changed)).toEqual(changedKeys.map(localKey).sort());
    expect(all((p) => p.missing)).toEqual(missingKeys.map(localKey).sort());
    const deletedOnServer = { stream: own, type: "memo", id: "m-05" };
    expect(all((p) => p.deleted)).toEqual([...extraKeys, deletedOnServer].map(localKey).sort());
    for (const record of pages.flatMap((p) => [...p.changed, ...p.missing])) expect(record.checksum).toBe(checksumOf(record.data));

    const final = await serverDigest(device);
    expect(store.digest()).toBe(final.digest);
    expect(pages.at(-1)?.digest).toBe(final.digest);
    expect(final.count).toBe(store.records.size);
    const local = store.sorted().map((r) => ({ key: localKey(r), checksum: r.checksum }));
    const remote = (await serverSummary(server.db.prisma, [own, org])).map((r) => ({ key: r.key, checksum: r.checksum }));
    expect(local.sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(remote.sort((a, b) => (a.key < b.key ? -1 : 1)));

    // A second pass finds nothing to fix.
    const again = await repairWithVerify(device, store, 6);
    expect(again.flatMap((p) => [...p.changed, ...p.missing, ...p.deleted])).toEqual([]);
  });

  it("pages by key ranges: each page ends at the server's limit-th record or the device's full list", async () => {
    const { device, own } = await newUser("pager");
    const ids = Array.from({ length: 11 }, (_, i) => `k-${String(i).padStart(2, "0")}`);
    await push(device, 1, creates(ids));
    // The server's records paged by 4: ranges end at its 4th and 8th record.
    const empty = await repairWithVerify(device, new LocalStore(), 4);
    expect(empty.map((p) => p.until?.id ?? null)).toEqual(["k-03", "k-07", null]);
    expect(empty.map((p) => p.missing.length)).toEqual([4, 4, 3]);

    // A device with many records the server lacks: its full lists end the pages first.
    const store = new LocalStore();
    const extras = Array.from({ length: 9 }, (_, i) => `a-${i}`);
    for (const id of extras) store.put({ stream: own, type: "memo", id, data: memo(id), checksum: checksumOf(memo(id)) });
    const pages = await repairWithVerify(device, store, 4);
    expect(pages.map((p) => p.sent)).toEqual([4, 4, 1, 0, 0]);
    expect(pages.map((p) => p.until?.id ?? null)).toEqual(["a-3", "a-7", "k-03", "k-07", null]);
    expect(pages.flatMap((p) => p.deleted.map((k) => k.id))).toEqual(extras);
    expect(pages.flatMap((p) => p.missing.map((r) => r.id))).toEqual(ids);
    expect(store.digest()).toBe((await serverDigest(device)).digest);
  });

  it("compares only the requested types and keeps them across pages", async () => {
    const { device, own } = await newUser("typed");
    await push(device, 1, [...creates(["x", "y"]), { type: "diary", id: "d", action: "create", data: { date: "2026-01-02", mood: "ok", summary: "s" } }]);
    const store = new LocalStore();
    const pages = await repairWithVerify(device, store, 1, ["diary"]);
    expect(pages.flatMap((p) => p.missing.map((r) => `${r.type}/${r.id}`))).toEqual(["diary/d"]);
    expect(store.digest()).toBe((await serverDigest(device, "diary")).digest);
    expect(store.digest()).not.toBe((await serverDigest(device)).digest);

    const listed = { device_id: device.deviceId, types: ["diary"], items: [{ stream: own, type: "memo", id: "x", checksum: checksumOf({}) }] };
    const answer = await device.call("POST", "/api/v1/sync/verify", listed);
    expect(answer.status).toBe(400);
    expect(invalidFieldsOf(answer)[0]?.field).toBe("items.0");
  });

  it("refuses malformed pages: items before the cursor, repeated keys, more items than limit, bad checksums, foreign cursors", async () => {
    const { device, own } = await newUser("strict");
    await push(device, 1, creates(["a", "b", "c"]));
    const item = (id: string) => ({ stream: own, type: "memo", id, checksum: checksumOf(memo(`memo ${id}`)) });
    const first = okBody(await device.call("POST", "/api/v1/sync/verify", { device_id: device.deviceId, items: [item("a")], limit: 1 }), ZVerifyResponse, "verify");
    expect(first).toMatchObject({ more: true, until: { id: "a" }, changed: [], missing: [], deleted: [] });
    const verify = (body: Record<string, unknown>) => device.call("POST", "/api/v1/sync/verify", { device_id: device.deviceId, ...body });
    expect((await verify({ items: [item("a")], cursor: first.cursor })).status).toBe(400);
    expect((await verify({ items: [item("b"), item("b")] })).status).toBe(400);
    expect((await verify({ items: [item("a"), item("b")], limit: 1 })).status).toBe(400);
    expect((await verify({ items: [{ ...item("a"), checksum: "md5:00" }] })).status).toBe(400);
    const { device: mallory } = await newUser("mallory");
    const stolen = await mallory.call("POST", "/api/v1/sync/verify", { device_id: mallory.deviceId, items: [], cursor: first.cursor });
    expect(stolen.status).toBe(401);
    expect(errorOf(stolen).code).toBe("invalid_token");
    expect((await verify({ items: [item("b")], cursor: first.cursor })).body).toMatchObject({ changed: [], deleted: [] });
  });
});

describe("GET /api/v1/sync/checksums and POST /api/v1/sync/fetch", () => {
  it("lists every live record's checksum in key order across streams, keyset-paged", async () => {
    const { device, org, own } = await newUser("lister");
    await push(device, 1, [...creates(ODD_IDS), ...creates(["o-1", "o-2"], org)]);
    await push(device, 2, [{ type: "memo", id: "apple", action: "delete" }]);
    const listed: TChecksumsResponse["items"] = [];
    let cursor = "";
    let pages = 0;
    for (;;) {
      const page = okBody(await device.call("GET", `/api/v1/sync/checksums?limit=3${cursor ? `&cursor=${cursor}` : ""}`), ZChecksumsResponse, "checksums");
      pages += 1;
      listed.push(...page.items);
      if (!page.more) break;
      cursor = page.cursor ?? "";
    }
    expect(pages).toBe(3);
    expect(listed.map(localKey)).toEqual([...listed].sort(compareKeys).map(localKey));
    const summary = await serverSummary(server.db.prisma, [own, org]);
    expect(listed.map((i) => [localKey(i), i.version, i.checksum]).sort()).toEqual(summary.map((s) => [s.key, s.version, s.checksum]).sort());
    expect(listed.some((i) => i.id === "apple")).toBe(false);
    const typed = okBody(await device.call("GET", "/api/v1/sync/checksums?types=diary"), ZChecksumsResponse, "checksums");
    expect(typed).toEqual({ items: [], more: false, cursor: null });
  });

  it("fetches live records by key; deleted and unknown keys are missing", async () => {
    const { device, own } = await newUser("fetcher");
    await push(device, 1, creates(["f-1", "f-2", "f-3"]));
    await push(device, 2, [{ type: "memo", id: "f-2", action: "delete" }]);
    const answer = okBody(await device.call("POST", "/api/v1/sync/fetch", {
      items: [{ type: "memo", id: "f-1" }, { stream: own, type: "memo", id: "f-2" }, { type: "memo", id: "nope" }, { type: "memo", id: "f-3" }],
    }), ZFetchResponse, "fetch");
    expect(answer.records.map((r) => [r.id, r.version, r.data])).toEqual([["f-1", 1, memo("memo f-1")], ["f-3", 1, memo("memo f-3")]]);
    expect(answer.missing).toEqual([{ stream: own, type: "memo", id: "f-2" }, { stream: own, type: "memo", id: "nope" }]);
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ type: "memo", id: `x-${i}` }));
    expect((await device.call("POST", "/api/v1/sync/fetch", { items: tooMany })).status).toBe(400);
  });

  it("never reveals another user's records, even under the same ids", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    await push(alice.device, 1, creates(["same-1"]));
    const before = await serverDigest(alice.device);
    await push(bob.device, 1, [...creates(["same-1", "same-2", "bob-only"]), ...creates(["b-org"], bob.org)]);
    expect(await serverDigest(alice.device)).toEqual(before);
    expect(Object.keys(before.streams).sort()).toEqual([alice.org, alice.own].sort());

    const probe = [{ stream: bob.own, type: "memo", id: "bob-only" }, { stream: bob.org, type: "memo", id: "b-org" }, { type: "memo", id: "same-2" }];
    const fetched = okBody(await alice.device.call("POST", "/api/v1/sync/fetch", { items: probe }), ZFetchResponse, "fetch");
    expect(fetched.records).toEqual([]);
    const verify = okBody(await alice.device.call("POST", "/api/v1/sync/verify", {
      device_id: alice.device.deviceId,
      items: probe.map((k) => ({ ...k, checksum: checksumOf(memo(`memo ${k.id}`)) })),
    }), ZVerifyResponse, "verify");
    expect(verify.missing.map((r) => `${r.stream}/${r.id}`)).toEqual([`${alice.own}/same-1`]);
    const echoed = probe.map((k) => localKey({ stream: alice.own, ...k })).sort();
    expect(verify.deleted.map(localKey).sort()).toEqual(echoed);
    expect(verify.changed).toEqual([]);
    const sums = okBody(await alice.device.call("GET", "/api/v1/sync/checksums"), ZChecksumsResponse, "checksums");
    expect(sums.items.map(localKey)).toEqual([`${alice.own}/memo/same-1`]);
    expect(fetched.missing.map(localKey).sort()).toEqual(echoed);
  });
});
