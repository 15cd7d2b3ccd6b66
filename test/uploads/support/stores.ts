// Both blob stores for upload tests: the file store in a fresh directory, and the S3 store against
// a local s3rver on a free port started by the test itself (never the internet).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { setBlobStore, type BlobStore } from "@/server/storage/blob-store";
import { createFileStore } from "@/server/storage/file-store";
import { createS3Store } from "@/server/storage/s3-store";

export type StoreKind = "file" | "s3";
export const STORE_KINDS: StoreKind[] = ["file", "s3"];

export type TestStore = {
  kind: StoreKind;
  store: BlobStore;
  /** The S3 store's bucket and client settings (another "instance" can build its own store). */
  s3?: { bucket: string; clientConfig: S3ClientConfig };
  /** The file store's directory (a storage key is a path under it). */
  root?: string;
  close(): Promise<void>;
};

/** Starts a store and makes it the process's store (getBlobStore) until close(). */
export async function startTestStore(kind: StoreKind, partBytes = 8 * 2 ** 20): Promise<TestStore> {
  const dir = mkdtempSync(path.join(tmpdir(), `syncdesk-${kind}-store-`));
  if (kind === "file") {
    const root = path.join(dir, "blobs");
    const store = createFileStore(root);
    setBlobStore(store);
    return { kind, store, root, close: async () => { setBlobStore(null); rmSync(dir, { recursive: true, force: true }); } };
  }
  const bucket = "syncdesk-test";
  const s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await s3rver.run();
  const clientConfig: S3ClientConfig = {
    endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
  };
  const store = createS3Store(bucket, clientConfig, partBytes);
  setBlobStore(store);
  return {
    kind, store, s3: { bucket, clientConfig },
    close: async () => {
      setBlobStore(null);
      await s3rver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
