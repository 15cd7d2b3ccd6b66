// Where blobs live, from the validated environment (server/env.ts): the local file store under
// DATA_DIR/blobs (the default; several app instances need it on a shared volume) or an S3 bucket
// (AWS, MinIO, R2: endpoint, region, credentials and path style by env).
import path from "node:path";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { env } from "../env";

export type StorageConfig =
  | { driver: "file"; root: string }
  | { driver: "s3"; bucket: string; clientConfig: S3ClientConfig };

export function storageConfig(): StorageConfig {
  const config = env();
  if (config.STORAGE_DRIVER === "file") return { driver: "file", root: path.resolve(config.DATA_DIR, "blobs") };
  if (!config.S3_BUCKET) throw new Error("STORAGE_DRIVER=s3 needs S3_BUCKET");
  const clientConfig: S3ClientConfig = {
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE === "true",
    // S3-compatible servers (MinIO, R2, s3rver) do not all speak the SDK's default checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
  if (config.S3_ENDPOINT) clientConfig.endpoint = config.S3_ENDPOINT;
  if (config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY) {
    clientConfig.credentials = { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY };
  }
  return { driver: "s3", bucket: config.S3_BUCKET, clientConfig };
}
