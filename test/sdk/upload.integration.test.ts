// SyncClient.uploadFile against the real server and a file blob store: chunks resume from the
// server's offset after a lost answer and a dropped request, an upload cut off by an app restart
// continues in the same session, a completion whose answer was lost is not redone, and the blob
// key lands in the record field that devices then pull.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintDeviceJwt } from "@/server/http/dev-token";
import type { FetchLike } from "@syncdesk/client";
import { MemoryStorage } from "@syncdesk/client";
import { bytesSource } from "@syncdesk/client";
import { makeClient } from "../support/sdk";
import { TEST_JWT_SECRET, startTestServer, type TestServer } from "../support/server";
import { startTestStore, type TestStore } from "../uploads/support/stores";

let server: TestServer;
let store: TestStore;
const KiB = 1024;
const user = (name: string) => `up-${name}-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  server = await startTestServer();
  store = await startTestStore("file");
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

/** Every request, with the start of each PUT's Content-Range; `fault(n, kind)` decides per call. */
function network(fault: (call: { kind: "put" | "complete" | "other"; n: number }) => "drop" | "lose" | null) {
  const seen = { starts: [] as number[], counts: { put: 0, complete: 0, other: 0 } };
  const fetch: FetchLike = async (input, init) => {
    const method = init.method ?? "GET";
    const kind = method === "PUT" ? "put" : input.endsWith("/complete") ? "complete" : "other";
    const n = ++seen.counts[kind];
    if (kind === "put") seen.starts.push(Number(/bytes (\d+)-/.exec(new Headers(init.headers).get("content-range") ?? "")?.[1]));
    const what = fault({ kind, n });
    if (what === "drop") throw new TypeError("fault: dropped before sending");
    const response = await globalThis.fetch(input, init);
    if (what === "lose") {
      await response.arrayBuffer();
      throw new TypeError("fault: answer lost after the server handled it");
    }
    return response;
  };
  return { fetch, seen };
}

async function download(jwt: string, key: string): Promise<Buffer> {
  const response = await fetch(`${server.url}/api/v1/blobs/${key}`, { headers: { authorization: `Bearer ${jwt}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const C = 32 * KiB;

describe("SyncClient.uploadFile", () => {
  it("resumes from the server's offset after a lost answer and a dropped chunk, and attaches the blob to the record", async () => {
    const ann = user("ann");
    const jwt = await mintDeviceJwt({ userId: ann, secret: TEST_JWT_SECRET });
    const net = network(({ kind, n }) => (kind === "put" && n === 2 ? "lose" : kind === "put" && n === 4 ? "drop" : null));
    const storage = new MemoryStorage();
    const device = await makeClient(server.url, ann, { token: jwt, storage, fetch: net.fetch });
    const photo = await device.create("photo", { caption: "roof", image: null });
    await device.sync();
    const bytes = randomBytes(200 * KiB);
    const progress: number[] = [];
    const result = await device.uploadFile(bytesSource(bytes), {
      filename: "roof.jpg", contentType: "image/jpeg", chunkSize: C,
      attach: { type: "photo", id: photo.id, field: "image" }, onProgress: (sent) => progress.push(sent),
    });
    // chunk 2's answer was lost (the server had it, so the next is chunk 3); chunk 4 never left
    expect(net.seen.starts).toEqual([0, C, 2 * C, 3 * C, 3 * C, 4 * C, 5 * C, 6 * C]);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(result).toMatchObject({ resumed: false, blob_key: expect.stringMatching(/^b_/), record: { type: "photo", data: { caption: "roof", image: result.blob_key } } });
    expect(result.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(await download(jwt, result.blob_key)).toEqual(bytes);
    const serverId = await device.resolveId(photo.id);
    const row = await server.db.prisma.record.findFirstOrThrow({ where: { type: "photo", id: serverId } });
    expect(row.data).toMatchObject({ image: result.blob_key });
    expect((await server.db.prisma.uploadSession.findMany({ where: { ownerId: ann } })).map((s) => s.status)).toEqual(["completed"]);
    await device.sync();
    expect((await device.get("photo", serverId))?.data).toEqual({ caption: "roof", image: result.blob_key });
    expect((await storage.getMeta()).uploads).toEqual({}); // nothing left to resume
  });

  it("continues an upload cut off by an app restart in the same session, from the server's offset", async () => {
    const ben = user("ben");
    const jwt = await mintDeviceJwt({ userId: ben, secret: TEST_JWT_SECRET });
    const storage = new MemoryStorage();
    const bytes = randomBytes(150 * KiB);
    const first = network(({ kind, n }) => (kind === "put" && n > 2 ? "drop" : null)); // offline after two chunks
    const before = await makeClient(server.url, ben, { token: jwt, storage, fetch: first.fetch, retry: { attempts: 3 } });
    await expect(before.uploadFile(bytesSource(bytes), { filename: "scan.pdf", chunkSize: C })).rejects.toMatchObject({ code: "network" });
    await before.close();

    const second = network(() => null);
    const after = await makeClient(server.url, ben, { token: jwt, storage, fetch: second.fetch });
    const result = await after.uploadFile(bytesSource(bytes), { filename: "scan.pdf", chunkSize: C });
    expect(result.resumed).toBe(true);
    expect(second.seen.starts).toEqual([2 * C, 3 * C, 4 * C]);
    const sessions = await server.db.prisma.uploadSession.findMany({ where: { ownerId: ben } });
    expect(sessions.map((s) => [s.id, s.status])).toEqual([[result.upload_id, "completed"]]);
    expect(await download(jwt, result.blob_key)).toEqual(bytes);
    // without attach the server wrote a `blob` record, which the device pulls
    await after.sync();
    expect((await after.get("blob", result.blob_key))?.data).toMatchObject({ key: result.blob_key, size: bytes.length, filename: "scan.pdf" });
  });

  it("continues after a chunk cut off mid-body, from the offset the server reports", async () => {
    const dee = user("dee");
    const jwt = await mintDeviceJwt({ userId: dee, secret: TEST_JWT_SECRET });
    const starts: number[] = [];
    let cut = false;
    const cutsSecondChunk: FetchLike = async (input, init) => {
      if (init.method !== "PUT") return fetch(input, init);
      const start = Number(/bytes (\d+)-/.exec(new Headers(init.headers).get("content-range") ?? "")?.[1]);
      starts.push(start);
      if (cut || start !== C) return fetch(input, init);
      cut = true;
      const chunk = init.body instanceof Uint8Array ? init.body : new Uint8Array();
      const half: Uint8Array = chunk.subarray(0, chunk.length / 2);
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          controller.enqueue(half);
          await new Promise((r) => setTimeout(r, 300)); // let it reach the server before the cut
          controller.error(new Error("radio lost"));
        },
      });
      return fetch(input, { ...init, body, duplex: "half" } as RequestInit);
    };
    const device = await makeClient(server.url, dee, { token: jwt, fetch: cutsSecondChunk, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) });
    const bytes = randomBytes(4 * C);
    const result = await device.uploadFile(bytesSource(bytes), { filename: "cut.bin", chunkSize: C });
    expect(cut).toBe(true);
    // Whatever of the cut chunk the server kept (it depends on timing), the SDK went on from the
    // server's offset: the bytes are whole and nothing was sent past them.
    expect(starts.slice(0, 2)).toEqual([0, C]);
    expect(starts.at(-1)).toBeLessThan(4 * C);
    expect(await download(jwt, result.blob_key)).toEqual(bytes);
    const sessions = await server.db.prisma.uploadSession.findMany({ where: { ownerId: dee } });
    expect(sessions.map((s) => [s.id, s.status])).toEqual([[result.upload_id, "completed"]]);
  });

  it("does not redo a completion whose answer was lost: the retry learns the blob key", async () => {
    const cid = user("cid");
    const net = network(({ kind, n }) => (kind === "complete" && n === 1 ? "lose" : null));
    const device = await makeClient(server.url, cid, { fetch: net.fetch });
    const bytes = randomBytes(10 * KiB);
    const result = await device.uploadFile(bytesSource(bytes), { filename: "a.txt", contentType: "text/plain" });
    expect(net.seen.counts.complete).toBe(2);
    expect(result.record).toBeNull();
    const blobs = await server.db.prisma.blob.findMany({ where: { ownerId: cid } });
    expect(blobs.map((b) => b.key)).toEqual([result.blob_key]);
    expect(await server.db.prisma.change.count({ where: { stream: `user:${cid}` } })).toBe(1);
  });
});
