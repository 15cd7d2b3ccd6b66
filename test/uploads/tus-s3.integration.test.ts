// The tus endpoint on S3 (a local s3rver started by this test, configured through the same
// STORAGE_DRIVER=s3 settings a deployment uses): tus-js-client uploads, is aborted, resumes and
// completes; the finished object is the blob's bytes, read back through the BlobStore.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBlobStore, setBlobStore } from "@/server/storage/blob-store";
import { sweepExpiredTusUploads } from "@/server/uploads/tus-expire";
import { makeDevice, type TestDevice } from "../support/device";
import { startTestServer, type TestServer } from "../support/server";

const BUCKET = "syncdesk-tus-test";
const S3_ENV = ["STORAGE_DRIVER", "S3_ENDPOINT", "S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_FORCE_PATH_STYLE"];
const CHUNK = 64 * 1024;

let server: TestServer;
let s3rver: S3rver;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "syncdesk-tus-s3-"));
  s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3rver.run();
  Object.assign(process.env, {
    STORAGE_DRIVER: "s3", S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: BUCKET, S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER", S3_FORCE_PATH_STYLE: "true",
  });
  setBlobStore(null); // built from the S3 settings on first use
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  setBlobStore(null);
  for (const name of S3_ENV) delete process.env[name];
  await s3rver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

function options(device: TestDevice, extra: tus.UploadOptions): tus.UploadOptions {
  return {
    endpoint: `${server.url}/api/v1/tus`,
    headers: { authorization: `Bearer ${device.jwt}` },
    chunkSize: CHUNK,
    retryDelays: null,
    ...extra,
  };
}

describe("tus 1.0 endpoint (S3 store, s3rver)", () => {
  it("tus-js-client uploads, is aborted, resumes, completes; the S3 object is the blob", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const data = randomBytes(6 * CHUNK + 321);

    const url = await new Promise<string>((resolve, reject) => {
      let aborted = false;
      const upload = new tus.Upload(data, options(alice, {
        metadata: { filename: "scan.pdf", filetype: "application/pdf" },
        onChunkComplete: (_size, accepted) => {
          if (aborted || accepted < 2 * CHUNK) return;
          aborted = true;
          upload.abort().then(() => resolve(upload.url ?? ""), reject);
        },
        onError: reject,
        onSuccess: () => reject(new Error("finished before the abort")),
      }));
      upload.start();
    });
    const head = await fetch(url, { method: "HEAD", headers: { authorization: `Bearer ${alice.jwt}`, "tus-resumable": "1.0.0" } });
    expect(head.status).toBe(200);
    const stoppedAt = Number(head.headers.get("upload-offset"));
    expect(stoppedAt).toBeGreaterThanOrEqual(2 * CHUNK);
    expect(stoppedAt).toBeLessThan(data.length);

    const patchOffsets: number[] = [];
    let blobKey: string | undefined;
    await new Promise<void>((resolve, reject) => {
      new tus.Upload(data, options(alice, {
        uploadUrl: url,
        onBeforeRequest: (req) => {
          if (req.getMethod() === "PATCH") patchOffsets.push(Number(req.getHeader("Upload-Offset")));
        },
        onAfterResponse: (_req, res) => {
          blobKey = res.getHeader("Upload-Blob-Key") ?? blobKey;
        },
        onError: reject,
        onSuccess: () => resolve(),
      })).start();
    });
    expect(patchOffsets[0]).toBe(stoppedAt);
    const id = url.split("/").pop() ?? "";
    const blob = await server.db.prisma.blob.findUniqueOrThrow({ where: { key: blobKey ?? "" } });
    expect(blob).toMatchObject({ ownerId: alice.userId, size: BigInt(data.length), sha256: sha256(data), storageKey: `tus/${id}`, contentType: "application/pdf" });

    // The bytes are an object of the same bucket, read through the BlobStore like any blob.
    const store = getBlobStore();
    expect(store.driver).toBe("s3");
    const chunks: Uint8Array[] = [];
    for await (const chunk of await store.read(`tus/${id}`)) chunks.push(chunk);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
    const download = await fetch(`${server.url}/api/v1/blobs/${blobKey}`, { headers: { authorization: `Bearer ${alice.jwt}` } });
    expect(download.status).toBe(200);
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(data));
  });

  it("termination and expiry remove an unfinished upload's partial data from the bucket", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const call = (method: string, target: string, headers: Record<string, string> = {}, body?: Uint8Array<ArrayBuffer>) =>
      fetch(target.startsWith("http") ? target : `${server.url}${target}`, { method, headers: { authorization: `Bearer ${alice.jwt}`, "tus-resumable": "1.0.0", ...headers }, body });
    const start = async () => {
      const created = await call("POST", "/api/v1/tus", { "upload-length": "5000" });
      expect(created.status).toBe(201);
      const url = created.headers.get("location") ?? "";
      const patched = await call("PATCH", url, { "upload-offset": "0", "content-type": "application/offset+octet-stream" }, new Uint8Array(randomBytes(1200)));
      expect(patched.status).toBe(204);
      const id = url.split("/").pop() ?? "";
      const row = await server.db.prisma.tusUpload.findUniqueOrThrow({ where: { id } });
      // Fewer bytes than a part: they wait in a tail object of the bucket.
      const tailKey = (row.metadata as { store: { partial: { tailKey: string } } }).store.partial.tailKey;
      expect(await getBlobStore().stat(tailKey)).toEqual({ size: 1200 });
      return { url, id, tailKey };
    };

    const terminated = await start();
    expect((await call("DELETE", terminated.url)).status).toBe(204);
    expect(await getBlobStore().stat(terminated.tailKey)).toBeNull();
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: terminated.id } })).toBeNull();

    const expired = await start();
    await server.db.prisma.tusUpload.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sweepExpiredTusUploads(server.db.prisma)).toEqual({ expiredTusUploads: 1 });
    expect(await getBlobStore().stat(expired.tailKey)).toBeNull();
    expect(await server.db.prisma.tusUpload.findUnique({ where: { id: expired.id } })).toBeNull();
    expect((await call("HEAD", expired.url)).status).toBe(404);
  });

  it("completes an upload whose length was deferred until its last PATCH", async () => {
    const alice = await makeDevice(server.url, `alice-${randomBytes(4).toString("hex")}`);
    const data = randomBytes(2500);
    const call = (method: string, target: string, headers: Record<string, string> = {}, body?: Uint8Array<ArrayBuffer>) =>
      fetch(target.startsWith("http") ? target : `${server.url}${target}`, { method, headers: { authorization: `Bearer ${alice.jwt}`, "tus-resumable": "1.0.0", ...headers }, body });
    const created = await call("POST", "/api/v1/tus", { "upload-defer-length": "1" });
    const url = created.headers.get("location") ?? "";
    const octets = { "content-type": "application/offset+octet-stream" };
    expect((await call("PATCH", url, { ...octets, "upload-offset": "0" }, new Uint8Array(data.subarray(0, 1000)))).status).toBe(204);
    const last = await call("PATCH", url, { ...octets, "upload-offset": "1000", "upload-length": String(data.length) }, new Uint8Array(data.subarray(1000)));
    expect(last.status).toBe(204);
    const blob = await server.db.prisma.blob.findUniqueOrThrow({ where: { key: last.headers.get("upload-blob-key") ?? "" } });
    expect(blob).toMatchObject({ size: BigInt(data.length), sha256: sha256(data) });
    const chunks: Uint8Array[] = [];
    for await (const chunk of await getBlobStore().read(blob.storageKey)) chunks.push(chunk);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
  });
});
