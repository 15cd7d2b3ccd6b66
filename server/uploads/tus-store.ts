// Where tus writes: the same storage as every blob (server/storage/config.ts). The file store
// keeps uploads under `<blob root>/tus/`, S3 under `tus/` in the same bucket, so a finished tus
// upload's storage key (`tus/<id>`) is readable through the BlobStore like any other blob.
import { FileStore } from "@tus/file-store";
import { S3Store } from "@tus/s3-store";
import type { DataStore } from "@tus/utils";
import { env } from "../env";
import { storageConfig } from "../storage/config";

type Cached = { signature: string; store: DataStore };
const globalState = globalThis as unknown as { syncdeskTusStore?: Cached };

/** The tus data store of this process for the configured storage (one per configuration). */
export function getTusDataStore(): DataStore {
  const config = storageConfig();
  const signature = JSON.stringify(config);
  if (globalState.syncdeskTusStore?.signature === signature) return globalState.syncdeskTusStore.store;
  // Expiry of unfinished uploads: tus answers 410 Gone after it; the upload-expiry job deletes them.
  const expirationPeriodInMilliseconds = env().UPLOAD_TTL_HOURS * 3600_000;
  const store: DataStore =
    config.driver === "file"
      ? new FileStore({ directory: config.root, expirationPeriodInMilliseconds })
      : new S3Store({
          // Object tags are not needed (our own sweep expires uploads) and not every S3 has them.
          useTags: false,
          expirationPeriodInMilliseconds,
          partSize: env().UPLOAD_CHUNK_BYTES,
          s3ClientConfig: { ...config.clientConfig, bucket: config.bucket },
        });
  globalState.syncdeskTusStore = { signature, store };
  return store;
}
