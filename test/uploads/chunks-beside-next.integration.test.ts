// Chunk PUTs served beside Next (server/uploads/beside-next.ts, what `next start` does for
// PUT /api/v1/uploads/{id}): the same route handler as Next's route, reading the request's Node
// stream, so the same checks, answers and durability, with the headers next.config.mjs gives
// every route; an interrupted chunk keeps what arrived and the upload resumes from its offset.
import { randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeHeaders } from "@/server/http/beside-next";
import { getBlobStore } from "@/server/storage/blob-store";
import { chunkPutId, serveChunkPut } from "@/server/uploads/beside-next";
import { ZAppendResponse, ZCompleteResponse } from "@syncdesk/protocol";
import { bodyOf, errorOf } from "../support/answers";
import { makeDevice, type TestDevice } from "../support/device";
import { startBesideServer, type BesideServer } from "../support/beside-server";
import { startTestServer, type TestServer } from "../support/server";
import { createUpload, interruptedPut, putChunk, resume, serverOffset, sha256Hex, settledOffset } from "./support/upload-client";

const MiB = 2 ** 20;
let server: TestServer;
let beside: BesideServer | undefined;
let besideUrl = "";
let alice: TestDevice;

beforeAll(async () => {
  server = await startTestServer();
  // What next start's server does with a chunk PUT; anything else would be Next's.
  beside = await startBesideServer((req, res) => {
    const id = chunkPutId(req.method, req.url);
    return id !== null && serveChunkPut(req, res, id, true);
  });
  besideUrl = beside.url;
  alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
});
afterAll(async () => {
  await beside?.close();
  await server?.close();
});

/** A PUT with a chunked body (no Content-Length): the server learns its length by reading it. */
function chunkedPut(url: string, headers: Record<string, string>, body: Uint8Array): Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "PUT", headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(parts).toString() || "{}") }));
    });
    req.on("error", reject);
    req.write(body); // written before end: sent chunked, without a Content-Length
    req.end();
  });
}

describe("chunk PUTs beside Next", () => {
  it("take exactly PUT of an upload's path, with or without a query", () => {
    expect(chunkPutId("PUT", "/api/v1/uploads/0b6f7c1e-1d2a-4c1b-9d51-3e0f3c2a9b10")).toBe("0b6f7c1e-1d2a-4c1b-9d51-3e0f3c2a9b10");
    expect(chunkPutId("PUT", "/api/v1/uploads/abc?x=1")).toBe("abc");
    expect(chunkPutId("GET", "/api/v1/uploads/abc")).toBeNull();
    expect(chunkPutId("PUT", "/api/v1/uploads/abc/complete")).toBeNull();
    expect(chunkPutId("PUT", "/api/v1/uploads/")).toBeNull();
    expect(chunkPutId("PUT", "/api/v1/uploads/%61bc")).toBeNull();
  });

  it("store an upload's chunks that completes with its sha256, answering with the route headers", async () => {
    const bytes = randomBytes(20 * MiB + 5);
    const created = await createUpload(alice, bytes, { sha256: `sha256:${sha256Hex(bytes)}` });
    const first = await fetch(`${besideUrl}${created.upload_url}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${alice.jwt}`, "content-type": "application/octet-stream", "content-range": `bytes 0-${8 * MiB - 1}/${bytes.byteLength}` },
      body: new Uint8Array(bytes.subarray(0, 8 * MiB)),
    });
    expect(first.status).toBe(200);
    expect(bodyOf({ body: await first.json() }, ZAppendResponse)).toEqual({ upload_id: created.upload_id, offset: 8 * MiB, ok: true });
    for (const [name, value] of Object.entries(routeHeaders(true))) expect(first.headers.get(name)).toBe(value);
    expect(first.headers.get("cache-control")).toContain("no-store");
    await resume(besideUrl, alice, created, bytes, 8 * MiB);
    expect(await serverOffset(alice, created.upload_id)).toBe(bytes.byteLength);
    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: `sha256:${sha256Hex(bytes)}` });
    expect(done.status).toBe(200);
    expect(bodyOf(done, ZCompleteResponse).blob).toMatchObject({ size: bytes.byteLength, sha256: `sha256:${sha256Hex(bytes)}` });
  });

  it("keep what arrived of a chunk cut mid-body; the upload resumes from that offset and verifies", async () => {
    const bytes = randomBytes(12 * MiB);
    const created = await createUpload(alice, bytes);
    const receiving = async () => {
      for (let i = 0; i < 300; i++) {
        const row = await server.db.prisma.uploadSession.findUniqueOrThrow({ where: { id: created.upload_id } });
        const size = (await getBlobStore().stat(row.storageKey))?.size ?? 0;
        if (row.leaseUntil !== null && size >= 3 * MiB) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the server never read the chunk");
    };
    await interruptedPut(besideUrl, alice, created.upload_url, bytes, 0, 8 * MiB, 3 * MiB, receiving);
    const offset = await settledOffset(server.db, created.upload_id);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(3 * MiB);
    expect(await serverOffset(alice, created.upload_id)).toBe(offset);
    // A chunk from an older offset is 416 with where to go on.
    const stale = await putChunk(besideUrl, alice, created.upload_url, bytes, 0, 8 * MiB);
    expect(stale.status).toBe(416);
    await resume(besideUrl, alice, created, bytes, offset);
    const done = await alice.call("POST", `/api/v1/uploads/${created.upload_id}/complete`, { sha256: `sha256:${sha256Hex(bytes)}` });
    expect(done.status).toBe(200);
  });

  it("refuse a body longer than its Content-Range with 400 and keep nothing of it", async () => {
    const bytes = randomBytes(1000);
    const created = await createUpload(alice, bytes);
    const answer = await chunkedPut(`${besideUrl}${created.upload_url}`, {
      authorization: `Bearer ${alice.jwt}`, "content-type": "application/octet-stream", "content-range": `bytes 0-499/1000`,
    }, bytes);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: "invalid_request", details: { offset: 0 } });
    expect(await serverOffset(alice, created.upload_id)).toBe(0);
  });

  it("answer an unauthenticated chunk as Next's route does", async () => {
    const bytes = randomBytes(100);
    const created = await createUpload(alice, bytes);
    const headers = { "content-type": "application/octet-stream", "content-range": "bytes 0-99/100" };
    const [there, here] = await Promise.all([server.url, besideUrl].map((base) => chunkedPut(`${base}${created.upload_url}`, headers, bytes)));
    expect(here?.status).toBe(401);
    expect(here?.status).toBe(there?.status);
    expect(errorOf(here ?? { body: null }).code).toBe(errorOf(there ?? { body: null }).code);
    expect(await serverOffset(alice, created.upload_id)).toBe(0);
  });
});
