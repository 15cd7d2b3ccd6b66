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
});
