// Where tus writes: the same storage as every blob (server/storage/config.ts), so a finished tus
// upload's storage key (`tus/<id>`) is readable through the BlobStore like any other blob.
//   file: @tus/file-store under `<blob root>/tus/` (its `.json` info files beside the bytes);
//   s3:   the BlobStore's own partial uploads in the same bucket under `tus/` (tus-blob-store.ts;
//         @tus/s3-store needs S3's ListParts, which not every S3-compatible server has).
import { FileStore } from "@tus/file-store";
import type { DataStore } from "@tus/utils";
import { env } from "../env";
import { processSingleton } from "../process-singleton";
import { storageConfig } from "../storage/config";
import { BlobTusStore } from "./tus-blob-store";

type Cached = { signature: string; store: DataStore };
declare module "../process-singleton" {
  interface ProcessSingletons {
    tusStore: { current: Cached | undefined };
  }
}

/** The tus data store of this process for the configured storage (one per configuration). */
export function getTusDataStore(): DataStore {
  const config = storageConfig();
  const signature = JSON.stringify(config);
  const slot = processSingleton("tusStore", () => ({ current: undefined }));
  if (slot.current?.signature === signature) return slot.current.store;
  // Expiry of unfinished uploads: tus answers 410 Gone after it; the upload-expiry job deletes them.
  const expirationPeriodInMilliseconds = env().UPLOAD_TTL_HOURS * 3600_000;
  const store: DataStore =
    config.driver === "file"
      ? new FileStore({ directory: config.root, expirationPeriodInMilliseconds })
      : new BlobTusStore(expirationPeriodInMilliseconds);
  slot.current = { signature, store };
  return store;
}
