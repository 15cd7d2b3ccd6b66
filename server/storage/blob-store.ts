// One interface over where bytes live (file system or S3). Everything streams: a store never holds
// a whole blob in memory; the S3 store buffers at most one multipart part while appending.
//
// Resumable uploads keep their partial data in the store too (`PartialState`, saved by the caller
// with the session), so any app instance can take the next chunk of an upload.
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { z } from "zod";
import { env } from "../env";
import { AppError } from "../errors";
import { logger } from "../log";
import { processSingleton } from "../process-singleton";
import { storageConfig } from "./config";
import { createFileStore } from "./file-store";

/** Inclusive byte range, as in HTTP. */
export type ByteRange = { start: number; end: number };

export const ZPartialState = z.union([
  z.strictObject({ kind: z.literal("file") }),
  z.strictObject({
    kind: z.literal("s3"),
    uploadId: z.string().nullable(),
    parts: z.array(z.strictObject({ n: z.number().int().min(1), etag: z.string(), size: z.number().int().min(0) })),
    /** Bytes held as their own object (fewer than a part), and that object's key. */
    tail: z.number().int().min(0),
    tailKey: z.string().nullable(),
  }),
]);
export type PartialState = z.infer<typeof ZPartialState>;

export type AppendInput = {
  /** The partial data's current length (the session's offset). */
  offset: number;
  /** The upload's total size: reaching it flushes everything. */
  total: number;
  body: AsyncIterable<Uint8Array>;
};

/**
 * What an append stored. `error` is set when the body failed midway (client gone, or too long):
 * `state`/`offset` then describe the bytes that did arrive, and the caller decides to keep them.
 */
export type AppendResult = { state: PartialState; offset: number; error?: unknown };

export interface BlobStore {
  readonly driver: "file" | "s3";
  stat(key: string): Promise<{ size: number } | null>;
  read(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
  /** Stores a whole object from a stream; returns its size. */
  write(key: string, body: AsyncIterable<Uint8Array>, contentType?: string): Promise<{ size: number }>;
  delete(key: string): Promise<void>;
  beginPartial(key: string): PartialState;
  appendPartial(key: string, state: PartialState, input: AppendInput): Promise<AppendResult>;
  /** Turns complete partial data of `size` bytes into the object `key`. */
  finishPartial(key: string, state: PartialState, size: number): Promise<void>;
  /** Removes partial data (and the object, if any). */
  discardPartial(key: string, state: PartialState): Promise<void>;
  /** A presigned PUT URL, or null when the store has none (the server signs its own URL). */
  presignPut(key: string, options: { contentType: string; size: number; expiresInSeconds: number }): Promise<{ url: string; headers: Record<string, string> } | null>;
}

declare module "../process-singleton" {
  interface ProcessSingletons {
    blobStore: { current: BlobStore | null };
  }
}
const blobStoreSlot = () => processSingleton("blobStore", () => ({ current: null }));

/** The store of this process (per config; one per process, see server/process-singleton.ts). */
export function getBlobStore(): BlobStore {
  const slot = blobStoreSlot();
  if (!slot.current) {
    const config = storageConfig();
    slot.current = config.driver === "file" ? createFileStore(config.root) : lazyS3Store(config.bucket, config.clientConfig, env().UPLOAD_CHUNK_BYTES);
  }
  return slot.current;
}

/** S3 partial data before the first byte. */
export const emptyS3Partial = (): PartialState => ({ kind: "s3", uploadId: null, parts: [], tail: 0, tailKey: null });

/**
 * The S3 store, its SDK loaded on first use: a server on the file store never loads it (some
 * 20 MiB of memory).
 */
function lazyS3Store(bucket: string, clientConfig: S3ClientConfig, partBytes: number): BlobStore {
  let loaded: Promise<BlobStore> | undefined;
  const s3 = () => (loaded ??= import("./s3-store").then((m) => m.createS3Store(bucket, clientConfig, partBytes)));
  return {
    driver: "s3",
    stat: async (key) => (await s3()).stat(key),
    read: async (key, range) => (await s3()).read(key, range),
    write: async (key, body, contentType) => (await s3()).write(key, body, contentType),
    delete: async (key) => (await s3()).delete(key),
    beginPartial: emptyS3Partial,
    appendPartial: async (key, state, input) => (await s3()).appendPartial(key, state, input),
    finishPartial: async (key, state, size) => (await s3()).finishPartial(key, state, size),
    discardPartial: async (key, state) => (await s3()).discardPartial(key, state),
    presignPut: async (key, options) => (await s3()).presignPut(key, options),
  };
}

/** Tests: use this store (null: back to the configured one). */
export function setBlobStore(store: BlobStore | null): void {
  blobStoreSlot().current = store;
}

/**
 * Objects an append left behind: once the new state is saved, the old tail; when the append is
 * dropped instead, the tail it wrote.
 */
export function partialGarbage(before: PartialState, after: PartialState, saved: boolean): string[] {
  if (before.kind !== "s3" || after.kind !== "s3" || before.tailKey === after.tailKey) return [];
  const key = saved ? before.tailKey : after.tailKey;
  return key ? [key] : [];
}

/**
 * Runs a storage operation; a failure of the store itself (S3 unreachable, disk full) becomes
 * 503 `unavailable` (logged), never a 500. AppErrors pass through.
 */
export async function withStorage<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) throw error;
    logger.warn({ err: error, operation }, "storage: operation failed");
    throw new AppError("unavailable", "Upload storage is unavailable; retry");
  }
}

/** Iterates a web stream (a request body) as chunks. */
export async function* iterateStream(stream: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (!stream) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
