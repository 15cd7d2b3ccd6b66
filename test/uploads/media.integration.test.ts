// Presigned media, media fields of pushed records, blob downloads with Range, and attaching an
// upload to a record, on both blob stores (S3: a local s3rver started by the test).
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZCompleteResponse, ZPresignResponse } from "@syncdesk/protocol";
import { ZBootstrapResponse, ZPullResponse, ZPushResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { STORE_KINDS, startTestStore, type TestStore } from "./support/stores";
import { createUpload, resume, sha256Hex } from "./support/upload-client";
import { bodyOf } from "../support/answers";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

let bundle = 1;
async function push(device: TestDevice, items: unknown[]) {
  return device.call("POST", "/api/v1/sync/push", { device_id: device.deviceId, bundle_id: bundle++, items });
}

/** Presigns and PUTs `bytes` the way the answer says (S3 or this server's signed URL). */
async function presignAndPut(device: TestDevice, bytes: Uint8Array, put = true): Promise<string> {
  const presigned = await device.call("POST", "/api/v1/media/presign", { filename: "meter.png", content_type: "image/png", size: bytes.byteLength });
  expect(presigned.status).toBe(200);
  if (put) {
    const url = new URL(bodyOf(presigned, ZPresignResponse).upload_url, server.url);
    const answer = await fetch(url, { method: "PUT", headers: bodyOf(presigned, ZPresignResponse).headers, body: new Uint8Array(bytes) });
    expect(answer.status, await answer.clone().text()).toBe(200);
  }
  return bodyOf(presigned, ZPresignResponse).key;
}

async function download(device: TestDevice, key: string, headers: Record<string, string> = {}) {
  const answer = await fetch(`${server.url}/api/v1/blobs/${key}`, { headers: { authorization: `Bearer ${device.jwt}`, ...headers } });
  return { status: answer.status, headers: answer.headers, bytes: new Uint8Array(await answer.arrayBuffer()) };
}

const suffix = () => randomBytes(4).toString("hex");

describe.each(STORE_KINDS)("media on the %s store", (kind) => {
  let store: TestStore;
  let alice: TestDevice;
  let mallory: TestDevice;
  beforeEach(async () => {
    store = await startTestStore(kind);
    alice = await makeDevice(server.url, `alice-${suffix()}`, { streams: [`org:acme-${kind}`] });
    mallory = await makeDevice(server.url, `mallory-${suffix()}`);
  });
  afterEach(async () => {
    await store.close();
  });

  it("accepts a record whose media field holds an uploaded presigned key, and serves it with Range", async () => {
    const bytes = randomBytes(300_000);
    const key = await presignAndPut(alice, bytes);
    const pushed = await push(alice, [{ type: "photo", id: "p1", action: "create", data: { caption: "meter", image: key } }]);
    expect(bodyOf(pushed, ZPushResponse).results[0]).toMatchObject({ status: "ok", version: 1 });
    const blob = await server.db.prisma.blob.findUniqueOrThrow({ where: { key } });
    expect(blob).toMatchObject({ ownerId: alice.userId, sha256: null, contentType: "image/png" });

    const whole = await download(alice, key);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(sha256Hex(whole.bytes)).toBe(sha256Hex(bytes));
    const part = await download(alice, key, { range: "bytes=1000-1999" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${bytes.byteLength}`);
    expect(Buffer.from(part.bytes).equals(bytes.subarray(1000, 2000))).toBe(true);
    const tail = await download(alice, key, { range: "bytes=-10" });
    expect(tail.status).toBe(206);
    expect(Buffer.from(tail.bytes).equals(bytes.subarray(bytes.byteLength - 10))).toBe(true);
    const beyond = await download(alice, key, { range: `bytes=${bytes.byteLength}-` });
    expect(beyond.status).toBe(416);
    expect(JSON.parse(Buffer.from(beyond.bytes).toString()).error.code).toBe("range_not_satisfiable");
    // Not another user's to read.
    expect((await download(mallory, key)).status).toBe(404);
  });

  it("makes an unknown, foreign or not yet uploaded key an item error, not a batch failure", async () => {
    const foreign = await presignAndPut(mallory, randomBytes(1000));
    const pending = await presignAndPut(alice, randomBytes(1000), false);
    const pushed = await push(alice, [
      { type: "photo", id: "unknown", action: "create", data: { caption: "x", image: `b_${"Z".repeat(22)}` } },
      { type: "photo", id: "foreign", action: "create", data: { caption: "x", image: foreign } },
      { type: "photo", id: "pending", action: "create", data: { caption: "x", image: pending } },
      { type: "photo", id: "none", action: "create", data: { caption: "no image yet", image: null } },
    ]);
    expect(pushed.status).toBe(200);
    expect(bodyOf(pushed, ZPushResponse).status).toBe("partial");
    expect(bodyOf(pushed, ZPushResponse).results.map((r) => r.error?.code ?? r.status)).toEqual([
      "media_not_found", "media_not_found", "media_not_found", "ok",
    ]);
    const stored = await server.db.prisma.record.findMany({ where: { stream: `user:${alice.userId}`, type: "photo" }, select: { id: true } });
    expect(stored.map((r) => r.id)).toEqual(["none"]);
    expect(await server.db.prisma.blob.count({ where: { key: { in: [foreign, pending] } } })).toBe(0);
  });

  it("attaches a finished upload to a record's media field, and a shared stream's members may download it", async () => {
    const stream = `org:acme-${kind}`;
    const bob = await makeDevice(server.url, `bob-${suffix()}`, { streams: [stream] });
    const created = await push(alice, [{ type: "photo", id: "shared", stream, action: "create", data: { caption: "site", image: null } }]);
    expect(bodyOf(created, ZPushResponse).results[0]?.status).toBe("ok");
    const boot = await bob.call("POST", "/api/v1/sync/bootstrap", { device_id: bob.deviceId, types: ["photo"] });
    const token = String(bodyOf(boot, ZBootstrapResponse).token);

    const bytes = randomBytes(50_000);
    const upload = await createUpload(alice, bytes);
    await resume(server.url, alice, upload, bytes, 0);
    // A record that is not there: 404, nothing written, and the verified bytes wait for a retry.
    const missing = await alice.call("POST", `/api/v1/uploads/${upload.upload_id}/complete`, { sha256: sha256Hex(bytes), attach: { type: "photo", id: "nope", field: "image" } });
    expect(missing.status).toBe(404);
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(0);
    const notMedia = await alice.call("POST", `/api/v1/uploads/${upload.upload_id}/complete`, { sha256: sha256Hex(bytes), attach: { type: "photo", id: "shared", field: "caption" } });
    expect(notMedia.status).toBe(400);
    const done = await alice.call("POST", `/api/v1/uploads/${upload.upload_id}/complete`, { sha256: sha256Hex(bytes), attach: { type: "photo", id: "shared", field: "image" } });
    expect(done.status).toBe(200);
    expect(bodyOf(done, ZCompleteResponse).record).toMatchObject({ type: "photo", id: "shared", stream, version: 2, data: { caption: "site", image: bodyOf(done, ZCompleteResponse).blob.key } });

    // Bob pulls the change and may download the blob; mallory may not.
    const pulled = await bob.call("POST", "/api/v1/sync/pull", { token });
    expect(bodyOf(pulled, ZPullResponse).changes).toEqual([expect.objectContaining({ type: "photo", id: "shared", version: 2, data: { caption: "site", image: bodyOf(done, ZCompleteResponse).blob.key } })]);
    const got = await download(bob, bodyOf(done, ZCompleteResponse).blob.key);
    expect(got.status).toBe(200);
    expect(sha256Hex(got.bytes)).toBe(sha256Hex(bytes));
    expect((await download(mallory, bodyOf(done, ZCompleteResponse).blob.key)).status).toBe(404);
    // Bob may keep the reference when he edits the shared record.
    const edit = await push(bob, [{ type: "photo", id: "shared", stream, action: "update", base_version: 2, data: { caption: "site (north)", image: bodyOf(done, ZCompleteResponse).blob.key } }]);
    expect(bodyOf(edit, ZPushResponse).results[0]?.status).toBe("ok");
  });
});

describe("the upload-expiry sweep of presigned media", () => {
  it("deletes an unreferenced presigned file after its grace period and keeps a referenced one", async () => {
    const store = await startTestStore("file");
    try {
      const alice = await makeDevice(server.url, `sweep-${suffix()}`);
      const kept = await presignAndPut(alice, randomBytes(500));
      const dropped = await presignAndPut(alice, randomBytes(500));
      expect(bodyOf(await push(alice, [{ type: "photo", id: "kept", action: "create", data: { caption: "k", image: kept } }]), ZPushResponse).results[0]?.status).toBe("ok");
      const { expireUploadSessions } = await import("@/server/uploads/expire");
      // Not yet: the URL has not even expired.
      expect((await expireUploadSessions(server.db.prisma)).expiredMedia).toBe(0);
      const later = new Date(Date.now() + 3 * 24 * 3_600_000);
      const swept = await expireUploadSessions(server.db.prisma, later);
      expect(swept.expiredMedia).toBeGreaterThanOrEqual(2);
      expect(await store.store.stat(`media/${dropped}`)).toBeNull();
      expect((await store.store.stat(`media/${kept}`))?.size).toBe(500);
      expect(await server.db.prisma.mediaUpload.count({ where: { key: { in: [kept, dropped] } } })).toBe(0);
      expect((await download(alice, kept)).status).toBe(200);
    } finally {
      await store.close();
    }
  });
});

describe("the file store's signed media URL", () => {
  let store: TestStore;
  let alice: TestDevice;
  beforeEach(async () => {
    store = await startTestStore("file");
    alice = await makeDevice(server.url, `alice-${suffix()}`);
  });
  afterEach(async () => {
    await store.close();
  });

  async function presign(size: number) {
    const answer = await alice.call("POST", "/api/v1/media/presign", { filename: "a.png", content_type: "image/png", size });
    expect(answer.body).toMatchObject({ method: "PUT", headers: { "content-type": "image/png" } });
    return { key: bodyOf(answer, ZPresignResponse).key, url: new URL(bodyOf(answer, ZPresignResponse).upload_url, server.url) };
  }
  const put = (url: URL, body: Uint8Array) => fetch(url, { method: "PUT", body: new Uint8Array(body) });

  it("refuses a forged or expired signature (403), a wrong size and a second PUT, storing nothing", async () => {
    const { key, url } = await presign(100);
    const forged = new URL(url);
    forged.searchParams.set("sig", "A".repeat(43));
    expect((await put(forged, randomBytes(100))).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set("expires", "1000");
    expect((await put(expired, randomBytes(100))).status).toBe(403);
    expect((await put(url, randomBytes(101))).status).toBe(413);
    expect((await put(url, randomBytes(99))).status).toBe(400);
    expect(await store.store.stat(`media/${key}`)).toBeNull();
    expect((await put(url, randomBytes(100))).status).toBe(200);
    expect((await put(url, randomBytes(100))).status).toBe(409);
    expect((await store.store.stat(`media/${key}`))?.size).toBe(100);
  });
});
