// Completing a resumable upload verifies its sha256 two ways (server/uploads/running-hash.ts):
// from the running hash of the chunks this process stored in order, without reading the bytes
// back, or, when this process did not see every chunk (a restart, another instance), by reading
// the stored bytes back. Both must accept the right sha256 and refuse a wrong one with 422, keeping
// nothing. A store that counts its reads tells which way was taken.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setBlobStore, type BlobStore } from "@/server/storage/blob-store";
import { terminateHashWorker } from "@/server/uploads/hash-worker";
import { claimSession, releaseSession } from "@/server/uploads/lease";
import { forgetRunningHashes } from "@/server/uploads/running-hash";
import { getUploadSessionOrThrow, partialStateOf } from "@/server/uploads/sessions";
import { ZCompleteResponse } from "@syncdesk/protocol";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";
import { STORE_KINDS, startTestStore, type TestStore } from "./support/stores";
import { createUpload, interruptedPut, putChunk, resume, serverOffset, sha256Hex, settledOffset, type Created } from "./support/upload-client";
import { errorOf, bodyOf } from "../support/answers";

const MiB = 2 ** 20;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** The test store, counting the reads of each key (a read-back hashes the stored bytes). */
function countingReads(store: BlobStore): { store: BlobStore; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const counting: BlobStore = Object.assign(Object.create(store) as BlobStore, {
    read: (key: string, range?: { start: number; end: number }) => {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return store.read(key, range);
    },
  });
  return { store: counting, reads };
}

async function storageKeyOf(uploadId: string): Promise<string> {
  return (await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: uploadId } })).storageKey;
}

/**
 * Until the server is reading a chunk's body (it holds the lease) and, on the file store, has
 * written `length` bytes: what a phone sent before losing its network has arrived.
 */
async function receiving(test: TestStore, uploadId: string, length: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const row = await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: uploadId } });
    const written = test.kind === "file" ? ((await test.store.stat(row.storageKey))?.size ?? 0) >= length : true;
    if (row.leaseUntil !== null && written) {
      if (test.kind === "s3") await new Promise((r) => setTimeout(r, 300)); // buffered in memory: not observable
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server never read the chunk");
}

/** What a client sees after a refused completion: 422, and nothing kept anywhere. */
async function expectNothingKept(store: BlobStore, device: TestDevice, created: Created, answer: { status: number; body: unknown }, storageKey: string) {
  expect(answer.status).toBe(422);
  expect(errorOf(answer).code).toBe("checksum_mismatch");
  expect(await server.db.prisma.blob.count({ where: { ownerId: device.userId } })).toBe(0);
  expect(await server.db.prisma.change.count({ where: { stream: `user:${device.userId}` } })).toBe(0);
  expect((await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: created.upload_id } })).status).toBe("failed");
  expect(await store.stat(storageKey)).toBeNull();
}

describe.each(STORE_KINDS)("verifying a completed upload on the %s store", (kind) => {
  let test: TestStore;
  let store: BlobStore;
  let reads: Map<string, number>;
  let alice: TestDevice;

  beforeEach(async () => {
    test = await startTestStore(kind);
    ({ store, reads } = countingReads(test.store));
    setBlobStore(store);
    alice = await makeDevice(server.url, `hash-${kind}-${randomBytes(4).toString("hex")}`);
  });
  afterEach(async () => {
    await test.close();
  });

  it("uses the running sha256 of chunks received in order, an interrupted one included, without reading the bytes back", async () => {
    const bytes = randomBytes(5 * MiB + 12_345);
    const created = await createUpload(alice, bytes);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 2 * MiB)).status).toBe(200);
    // 1 MiB of the next chunk arrives, then the connection drops: what arrived is stored and hashed.
    await interruptedPut(server.url, alice, created.upload_url, bytes, 2 * MiB, 4 * MiB, 1 * MiB, () => receiving(test, created.upload_id, 3 * MiB));
    const kept = await settledOffset(server.db, created.upload_id);
    expect(kept).toBeGreaterThan(2 * MiB);
    expect(kept).toBeLessThan(4 * MiB);
    await resume(server.url, alice, created, bytes, await serverOffset(alice, created.upload_id));
    const storageKey = await storageKeyOf(created.upload_id);

    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: `sha256:${sha256Hex(bytes)}` });
    expect(done.status).toBe(200);
    expect(reads.get(storageKey) ?? 0).toBe(0);
    expect(bodyOf(done, ZCompleteResponse).blob).toMatchObject({ size: bytes.byteLength, sha256: `sha256:${sha256Hex(bytes)}` });
    const download = await fetch(`${server.url}/api/v1/blobs/${bodyOf(done, ZCompleteResponse).blob.key}`, { headers: { authorization: `Bearer ${alice.jwt}` } });
    expect(sha256Hex(new Uint8Array(await download.arrayBuffer()))).toBe(sha256Hex(bytes));
  });

  it("refuses a wrong sha256 from the running hash with 422 and keeps nothing", async () => {
    const bytes = randomBytes(3 * MiB);
    const created = await createUpload(alice, bytes);
    await resume(server.url, alice, created, bytes, 0);
    const storageKey = await storageKeyOf(created.upload_id);
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(0) ^ 1, 0);
    const wrong = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(flipped) });
    expect(reads.get(storageKey) ?? 0).toBe(0);
    expect(errorOf(wrong).details?.sha256).toBe(`sha256:${sha256Hex(bytes)}`);
    await expectNothingKept(store, alice, created, wrong, storageKey);
  });

  it("reads the stored bytes back when this process lost the running hash midway (a restart)", async () => {
    const bytes = randomBytes(4 * MiB + 7);
    const created = await createUpload(alice, bytes);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 1 * MiB)).status).toBe(200);
    forgetRunningHashes();
    await resume(server.url, alice, created, bytes, 1 * MiB);
    const storageKey = await storageKeyOf(created.upload_id);

    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(done.status).toBe(200);
    expect(reads.get(storageKey) ?? 0).toBeGreaterThan(0);
    expect(bodyOf(done, ZCompleteResponse).blob.sha256).toBe(`sha256:${sha256Hex(bytes)}`);
  });

  it("reads the stored bytes back when the hash worker died with the running hash", async () => {
    const bytes = randomBytes(3 * MiB + 5);
    const created = await createUpload(alice, bytes);
    await resume(server.url, alice, created, bytes, 0);
    await terminateHashWorker(); // as a crash of the worker thread would
    const storageKey = await storageKeyOf(created.upload_id);

    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(done.status).toBe(200);
    expect(reads.get(storageKey) ?? 0).toBeGreaterThan(0);
    expect(bodyOf(done, ZCompleteResponse).blob.sha256).toBe(`sha256:${sha256Hex(bytes)}`);
    // Later uploads get a new worker and their running hash again.
    const next = randomBytes(2 * MiB);
    const again = await createUpload(alice, next);
    await resume(server.url, alice, again, next, 0);
    const nextKey = await storageKeyOf(again.upload_id);
    expect((await alice.call("POST", `/api/v1/uploads/${again.upload_id}/complete`, { sha256: sha256Hex(next) })).status).toBe(200);
    expect(reads.get(nextKey) ?? 0).toBe(0);
  });

  it("refuses a wrong sha256 after reading the bytes back with 422 and keeps nothing", async () => {
    const bytes = randomBytes(2 * MiB);
    const created = await createUpload(alice, bytes, { sha256: `sha256:${"a".repeat(64)}` });
    await resume(server.url, alice, created, bytes, 0);
    forgetRunningHashes();
    const storageKey = await storageKeyOf(created.upload_id);
    // The client's sha256 matches; the one declared at creation does not.
    const wrong = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(reads.get(storageKey) ?? 0).toBeGreaterThan(0);
    await expectNothingKept(store, alice, created, wrong, storageKey);
  });

  it("does not trust a running hash that another instance's chunk left behind the offset", async () => {
    const bytes = randomBytes(3 * MiB);
    const created = await createUpload(alice, bytes);
    expect((await putChunk(server.url, alice, created.upload_url, bytes, 0, 1 * MiB)).status).toBe(200);
    // "Another instance" stores the second MiB: the same lease and store, none of this process's
    // running hashes. The hash kept here now covers 1 MiB of a 2 MiB offset.
    const caller = { userId: alice.userId, streams: [`user:${alice.userId}`] };
    const lease = await claimSession(server.db.prisma, await getUploadSessionOrThrow(server.db.prisma, caller, created.upload_id), 1 * MiB);
    const stored = await test.store.appendPartial(lease.row.storageKey, partialStateOf(lease.row), {
      offset: 1 * MiB, total: bytes.byteLength, body: (async function* () { yield bytes.subarray(1 * MiB, 2 * MiB); })(),
    });
    expect(await releaseSession(server.db.prisma, lease, { offset: BigInt(stored.offset), storeState: stored.state })).toBe(true);
    await resume(server.url, alice, created, bytes, 2 * MiB);
    const storageKey = await storageKeyOf(created.upload_id);

    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
    expect(done.status).toBe(200);
    expect(reads.get(storageKey) ?? 0).toBeGreaterThan(0);
  });
});

describe("the read-back hashes the bytes as stored", () => {
  it("refuses bytes changed on disk after they were acknowledged (file store)", async () => {
    const test = await startTestStore("file");
    try {
      const alice = await makeDevice(server.url, `disk-${randomBytes(4).toString("hex")}`);
      const bytes = randomBytes(1 * MiB);
      const created = await createUpload(alice, bytes);
      await resume(server.url, alice, created, bytes, 0);
      forgetRunningHashes();
      const storageKey = await storageKeyOf(created.upload_id);
      if (!test.root) throw new Error("a file test store has its root");
      // Same length, other bytes: as a disk (or someone with access to it) might change them.
      await writeFile(path.join(test.root, storageKey), randomBytes(1 * MiB));
      const answer = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: sha256Hex(bytes) });
      await expectNothingKept(test.store, alice, created, answer, storageKey);
    } finally {
      await test.close();
    }
  });
});
