// Resumable uploads (PROTOCOL.md "Uploads", docs/protocol.md "Uploads") over real HTTP, on both
// blob stores: interrupted chunks resume from the server's offset, a wrong offset is 416, a wrong
// sha256 is 422 and keeps nothing, expired sessions are refused and swept, and one user never
// touches another's upload.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setBlobStore } from "@/server/storage/blob-store";
import { createS3Store } from "@/server/storage/s3-store";
import { expireUploadSessions } from "@/server/uploads/expire";
import { ZCompleteResponse } from "@syncdesk/protocol";
import { ZBootstrapResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { STORE_KINDS, startTestStore, type TestStore } from "./support/stores";
import { createUpload, interruptedPut, putChunk, resume, serverOffset, sha256Hex, settledOffset } from "./support/upload-client";
import { errorOf, bodyOf } from "../support/answers";

const MiB = 2 ** 20;
let server: TestServer;

beforeAll(async () => {
  process.env.UPLOAD_MAX_BYTES = String(64 * MiB);
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/**
 * Until the server is reading the chunk's body (it holds the session's lease) and, on the file
 * store, has written `sent` bytes: what a phone sent before losing its network has arrived.
 */
async function receiving(store: TestStore, uploadId: string, from: number, sent: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const row = await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: uploadId } });
    const reading = row.leaseUntil !== null;
    const written = store.kind === "file" ? ((await store.store.stat(row.storageKey))?.size ?? 0) >= from + sent : true;
    if (reading && written) {
      if (store.kind === "s3") await new Promise((r) => setTimeout(r, 300)); // buffered in memory: not observable
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server never read the chunk");
}

async function changesOf(stream: string): Promise<number> {
  return server.db.prisma.change.count({ where: { stream } });
}

describe.each(STORE_KINDS)("resumable uploads on the %s store", (kind) => {
  let store: TestStore;
  let alice: TestDevice;
  let mallory: TestDevice;

  beforeEach(async () => {
    store = await startTestStore(kind);
    alice = await makeDevice(server.url, `alice-${kind}-${randomBytes(4).toString("hex")}`);
    mallory = await makeDevice(server.url, `mallory-${kind}-${randomBytes(4).toString("hex")}`);
  });
  afterEach(async () => {
    await store.close();
  });

  it("completes a 20 MiB upload interrupted twice, resumed from the server's offset, with a matching checksum", async () => {
    const bytes = randomBytes(20 * MiB);
    const created = await createUpload(alice, bytes, { sha256: `sha256:${sha256Hex(bytes)}` });
    expect(created).toMatchObject({ offset: 0, chunk_size: 8 * MiB, upload_url: `/api/v1/uploads/${created.upload_id}` });

    // First interruption: 3 MiB of the first 8 MiB chunk arrive, then the connection drops.
    await interruptedPut(server.url, alice, created.upload_url, bytes, 0, 8 * MiB, 3 * MiB, () => receiving(store, created.upload_id, 0, 3 * MiB));
    const first = { offset: await settledOffset(server.db, created.upload_id) };
    expect(first.offset).toBeGreaterThan(0);
    expect(first.offset).toBeLessThanOrEqual(3 * MiB);
    expect(await serverOffset(alice, created.upload_id)).toBe(first.offset);

    // Second interruption: from the server's offset, 6 MiB of a full chunk.
    await interruptedPut(server.url, alice, created.upload_url, bytes, first.offset, first.offset + 8 * MiB, 6 * MiB, () => receiving(store, created.upload_id, first.offset, 6 * MiB));
    const second = { offset: await settledOffset(server.db, created.upload_id) };
    expect(second.offset).toBeGreaterThan(first.offset);
    expect(second.offset).toBeLessThanOrEqual(first.offset + 6 * MiB);

    await resume(server.url, alice, created, bytes, await serverOffset(alice, created.upload_id));
    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: `sha256:${sha256Hex(bytes)}` });
    expect(done.status).toBe(200);
    expect(bodyOf(done, ZCompleteResponse).blob).toMatchObject({ size: bytes.byteLength, sha256: `sha256:${sha256Hex(bytes)}`, filename: "photo.jpg", content_type: "image/jpeg" });
    expect(bodyOf(done, ZCompleteResponse).record).toMatchObject({ type: "blob", id: bodyOf(done, ZCompleteResponse).blob.key, stream: `user:${alice.userId}`, version: 1 });

    // The stored bytes are the sent bytes, read back through the store and through the API.
    const row = await server.db.prisma.blob.findUniqueOrThrow({ where: { key: bodyOf(done, ZCompleteResponse).blob.key } });
    expect(Number(row.size)).toBe(bytes.byteLength);
    expect(row.sha256).toBe(sha256Hex(bytes));
    expect((await store.store.stat(row.storageKey))?.size).toBe(bytes.byteLength);
    const download = await fetch(`${server.url}/api/v1/blobs/${row.key}`, { headers: { authorization: `Bearer ${alice.jwt}` } });
    expect(download.status).toBe(200);
    expect(sha256Hex(new Uint8Array(await download.arrayBuffer()))).toBe(sha256Hex(bytes));

    // Devices receive the blob record on pull.
    const boot = await alice.call("POST", "/api/v1/sync/bootstrap", { device_id: alice.deviceId, types: ["blob"] });
    expect(bodyOf(boot, ZBootstrapResponse).items).toEqual([expect.objectContaining({ type: "blob", id: row.key, data: expect.objectContaining({ key: row.key, size: bytes.byteLength }) })]);
  });

  it("answers a chunk at the wrong offset 416 with the offset, and stores nothing of it", async () => {
    const bytes = randomBytes(1 * MiB);
    const created = await createUpload(alice, bytes);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 1000)).status).toBe(200);
    const ahead = await putChunk(server.url, alice, created.upload_url, bytes, 5000, 6000);
    expect(ahead.status).toBe(416);
    expect(errorOf(ahead)).toMatchObject({ code: "range_not_satisfiable", details: { offset: 1000 } });
    const behind = await putChunk(server.url, alice, created.upload_url, bytes, 0, 1000);
    expect(behind.status).toBe(416);
    expect(errorOf(behind).details?.offset).toBe(1000);
    const status = await alice.call("GET", `/api/v1/uploads/${created.upload_id}`);
    expect(status.body).toMatchObject({ offset: 1000, size: bytes.byteLength, status: "open" });
    expect(status.headers.get("cache-control")).toMatch(/(^|,\s*)no-store(,|$)/); // an offset is never served from a cache
    await resume(server.url, alice, created, bytes, 1000);
    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(done.status).toBe(200);
  });

  it("answers a wrong sha256 422 and keeps nothing: no blob row, no bytes, no record change", async () => {
    const bytes = randomBytes(2 * MiB);
    const created = await createUpload(alice, bytes);
    await resume(server.url, alice, created, bytes, 0);
    const stream = `user:${alice.userId}`;
    const changesBefore = await changesOf(stream);
    const wrong = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: `sha256:${"0".repeat(64)}` });
    expect(wrong.status).toBe(422);
    expect(errorOf(wrong).code).toBe("checksum_mismatch");
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(0);
    expect(await changesOf(stream)).toBe(changesBefore);
    const session = await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: created.upload_id } });
    expect(session.status).toBe("failed");
    expect(await store.store.stat(session.storageKey)).toBeNull();
    // The failed upload cannot be completed after all.
    const retry = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(retry.status).toBe(409);
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(0);
  });

  it("stores an empty upload and answers a second completion 409 with the blob key", async () => {
    const empty = new Uint8Array(0);
    const created = await createUpload(alice, empty);
    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(empty) });
    expect(done.status).toBe(200);
    expect(bodyOf(done, ZCompleteResponse).blob).toMatchObject({ size: 0, sha256: `sha256:${sha256Hex(empty)}` });
    const download = await fetch(`${server.url}/api/v1/blobs/${bodyOf(done, ZCompleteResponse).blob.key}`, { headers: { authorization: `Bearer ${alice.jwt}` } });
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(0);
    const again = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(empty) });
    expect(again.status).toBe(409);
    expect(errorOf(again).details?.blob_key).toBe(bodyOf(done, ZCompleteResponse).blob.key);
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(1);
  });

  it("refuses an incomplete upload's completion with 416 and its offset", async () => {
    const bytes = randomBytes(100_000);
    const created = await createUpload(alice, bytes);
    await putChunk(server.url, alice, created.upload_url, bytes, 0, 40_000);
    const early = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(early.status).toBe(416);
    expect(errorOf(early).details?.offset).toBe(40_000);
    expect(await server.db.prisma.blob.count({ where: { ownerId: alice.userId } })).toBe(0);
  });

  it("refuses an expired session and the sweep removes its partial data", async () => {
    const bytes = randomBytes(1 * MiB);
    const created = await createUpload(alice, bytes);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 300_000)).status).toBe(200);
    const row = await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: created.upload_id } });
    if (kind === "file") expect(await store.store.stat(row.storageKey)).not.toBeNull();
    await server.db.prisma.uploadSession.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    expect((await alice.call("GET", `/api/v1/uploads/${row.id}`)).status).toBe(404);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 300_000, 400_000)).status).toBe(404);
    expect((await alice.call("POST", `/api/v1/uploads/${row.id}/complete`, { sha256: sha256Hex(bytes) })).status).toBe(404);

    const swept = await expireUploadSessions(server.db.prisma);
    expect(swept.expiredUploads).toBeGreaterThanOrEqual(1);
    expect(await server.db.prisma.uploadSession.findUnique({ where: { id: row.id } })).toBeNull();
    expect(await store.store.stat(row.storageKey)).toBeNull();
    const state = row.storeState as { tailKey?: string | null };
    if (state.tailKey) expect(await store.store.stat(state.tailKey)).toBeNull();
  });

  it("never lets another user read, append to or complete an upload, nor read its blob", async () => {
    const bytes = randomBytes(200_000);
    const created = await createUpload(alice, bytes);
    await putChunk(server.url, alice, created.upload_url, bytes, 0, 100_000);
    const unknown = "00000000-0000-4000-8000-000000000000";

    const peek = await mallory.call("GET", `/api/v1/uploads/${created.upload_id}`);
    const peekUnknown = await mallory.call("GET", `/api/v1/uploads/${unknown}`);
    expect(peek.status).toBe(404);
    expect(peek.body).toEqual(peekUnknown.body);
    const append = await putChunk(server.url, mallory, created.upload_url, bytes, 100_000, 200_000);
    expect(append.status).toBe(404);
    const finish = await mallory.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(finish.status).toBe(404);
    expect(await serverOffset(alice, created.upload_id)).toBe(100_000);

    await putChunk(server.url, alice, created.upload_url, bytes, 100_000, 200_000);
    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(done.status).toBe(200);
    const read = await fetch(`${server.url}/api/v1/blobs/${bodyOf(done, ZCompleteResponse).blob.key}`, { headers: { authorization: `Bearer ${mallory.jwt}` } });
    expect(read.status).toBe(404);
    const readUnknown = await fetch(`${server.url}/api/v1/blobs/b_${"A".repeat(22)}`, { headers: { authorization: `Bearer ${mallory.jwt}` } });
    expect(await read.json()).toEqual(await readUnknown.json());
  });
});

describe("S3: partial data lives in the bucket, so any instance takes the next chunk", () => {
  it("keeps an unfinished part as a tail object and completes through another instance's store", async () => {
    const first = await startTestStore("s3");
    try {
      const alice = await makeDevice(server.url, `multi-${randomBytes(4).toString("hex")}`);
      const bytes = randomBytes(12 * MiB);
      const created = await createUpload(alice, bytes);
      // 3 MiB: less than a part, so it waits in the bucket as its own object.
      expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 3 * MiB)).status).toBe(200);
      const row = await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: created.upload_id } });
      const state = row.storeState as { tail: number; tailKey: string; parts: unknown[] };
      expect(state).toMatchObject({ tail: 3 * MiB, parts: [] });
      expect((await first.store.stat(state.tailKey))?.size).toBe(3 * MiB);

      // "Another instance": a store of its own (own S3 client, nothing in memory shared).
      const s3 = first.s3;
      if (!s3) throw new Error("an S3 test store has its settings");
      const other = createS3Store(s3.bucket, s3.clientConfig, 8 * MiB);
      setBlobStore(other);
      await resume(server.url, alice, created, bytes, 3 * MiB);
      const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
      expect(done.status).toBe(200);
      expect((await other.stat(row.storageKey))?.size).toBe(bytes.byteLength);
      // The tail was folded into a part and removed.
      expect(await other.stat(state.tailKey)).toBeNull();
    } finally {
      await first.close();
    }
  });
});

describe("upload limits", () => {
  let store: TestStore;
  let alice: TestDevice;
  beforeEach(async () => {
    store = await startTestStore("file");
    alice = await makeDevice(server.url, `limits-${randomBytes(4).toString("hex")}`);
  });
  afterEach(async () => {
    await store.close();
  });

  it("refuses an upload over UPLOAD_MAX_BYTES with 413 and creates no session", async () => {
    const answer = await alice.call("POST", "/api/v1/uploads", { filename: "big.bin", size: 64 * MiB + 1 });
    expect(answer.status).toBe(413);
    expect(errorOf(answer)).toMatchObject({ code: "payload_too_large", details: { limit: 64 * MiB } });
    expect(await server.db.prisma.uploadSession.count({ where: { ownerId: alice.userId } })).toBe(0);
  });

  it("refuses a chunk over chunk_size with 413 and keeps the offset", async () => {
    const bytes = randomBytes(9 * MiB);
    const created = await createUpload(alice, bytes);
    const answer = await putChunk(server.url, alice, created.upload_url, bytes, 0, 9 * MiB);
    expect(answer.status).toBe(413);
    expect(errorOf(answer).details?.limit).toBe(8 * MiB);
    expect(await serverOffset(alice, created.upload_id)).toBe(0);
  });

  it("refuses a malformed Content-Range and a size other than the upload's with 400", async () => {
    const bytes = randomBytes(1000);
    const created = await createUpload(alice, bytes);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 10, { "content-range": "bytes 0-9" })).status).toBe(400);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 10, { "content-range": "bytes 0-9/999" })).status).toBe(400);
    expect(await serverOffset(alice, created.upload_id)).toBe(0);
  });
});
