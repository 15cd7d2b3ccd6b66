// A tus DataStore over the project's BlobStore partial uploads (server/storage/blob-store.ts),
// used on S3: @tus/s3-store derives offsets from S3's ListParts, which S3-compatible servers do
// not all implement (s3rver does not), whereas the BlobStore keeps the parts it wrote in a state
// saved by its caller. Here that state, the offset and tus's own metadata live on the upload's
// row in tus_uploads (under `metadata.store`), written under the upload's tus lock.
import type { Readable } from "node:stream";
import { DataStore, ERRORS, Upload } from "@tus/utils";
import { z } from "zod";
import { getDb } from "../db/client";
import { getBlobStore, partialGarbage, ZPartialState, type PartialState } from "../storage/blob-store";

const ZStoreState = z.object({
  offset: z.number().int().min(0),
  partial: ZPartialState,
  /** Upload-Metadata as the client sent it (HEAD answers it back). */
  raw: z.record(z.string(), z.string().nullable()),
  created: z.string(),
});
type StoreState = z.infer<typeof ZStoreState>;

const ZRowMetadata = z.looseObject({ store: ZStoreState.optional() });

const rowIdOf = (storageKey: string): string => storageKey.replace(/^tus\//, "");

async function readRow(storageKey: string): Promise<{ size: number | null; metadata: Record<string, unknown>; store: StoreState }> {
  const db = await getDb();
  const row = await db.tusUpload.findUnique({ where: { id: rowIdOf(storageKey) }, select: { storageKey: true, size: true, metadata: true } });
  const parsed = ZRowMetadata.safeParse(row?.metadata);
  if (!row || row.storageKey !== storageKey || !parsed.success || !parsed.data.store) throw ERRORS.FILE_NOT_FOUND;
  return { size: row.size === null ? null : Number(row.size), metadata: parsed.data, store: parsed.data.store };
}

async function saveStore(storageKey: string, metadata: Record<string, unknown>, store: StoreState, size?: number): Promise<void> {
  const db = await getDb();
  await db.tusUpload.update({
    where: { id: rowIdOf(storageKey) },
    data: { metadata: { ...metadata, store }, ...(size === undefined ? {} : { size: BigInt(size) }) },
  });
}

export class BlobTusStore extends DataStore {
  constructor(private readonly expirationMs: number) {
    super();
    this.extensions = ["creation", "creation-with-upload", "creation-defer-length", "termination", "expiration"];
  }

  /** The row was inserted by onUploadCreate just before: give it the store's state. */
  async create(upload: Upload): Promise<Upload> {
    const blobs = getBlobStore();
    const { metadata } = await readRowLoose(upload.id);
    let partial: PartialState = blobs.beginPartial(upload.id);
    if (upload.size === 0) {
      // Nothing will ever be written: the (empty) object exists from the start.
      await blobs.finishPartial(upload.id, partial, 0);
      partial = blobs.beginPartial(upload.id);
    }
    const store: StoreState = { offset: 0, partial, raw: upload.metadata ?? {}, created: upload.creation_date ?? new Date().toISOString() };
    await saveStore(upload.id, metadata, store);
    upload.storage = { type: blobs.driver, path: upload.id };
    return upload;
  }

  async write(body: Readable, id: string, offset: number): Promise<number> {
    const blobs = getBlobStore();
    const row = await readRow(id);
    if (row.store.offset !== offset) throw ERRORS.INVALID_OFFSET;
    const before = row.store.partial;
    const result = await blobs.appendPartial(id, before, { offset, total: row.size ?? Number.MAX_SAFE_INTEGER, body });
    const store: StoreState = { ...row.store, offset: result.offset, partial: result.state };
    if (row.size !== null && result.offset === row.size) await blobs.finishPartial(id, result.state, row.size);
    await saveStore(id, row.metadata, store);
    for (const key of partialGarbage(before, result.state, true)) await blobs.delete(key).catch(() => undefined);
    // What arrived is kept (the offset says so); the request itself still failed.
    if (result.error) throw result.error;
    return result.offset;
  }

  async getUpload(id: string): Promise<Upload> {
    const row = await readRow(id);
    return new Upload({
      id,
      offset: row.store.offset,
      ...(row.size === null ? {} : { size: row.size }),
      metadata: row.store.raw,
      creation_date: row.store.created,
      storage: { type: getBlobStore().driver, path: id },
    });
  }

  async declareUploadLength(id: string, length: number): Promise<void> {
    const row = await readRow(id);
    await saveStore(id, row.metadata, row.store, length);
  }

  async remove(id: string): Promise<void> {
    const row = await readRow(id);
    await getBlobStore().discardPartial(id, row.store.partial);
  }

  getExpiration(): number {
    return this.expirationMs;
  }
}

/** The row right after onUploadCreate inserted it (no store state yet). */
async function readRowLoose(storageKey: string): Promise<{ metadata: Record<string, unknown> }> {
  const db = await getDb();
  const row = await db.tusUpload.findUnique({ where: { id: rowIdOf(storageKey) }, select: { metadata: true } });
  const parsed = ZRowMetadata.safeParse(row?.metadata);
  if (!parsed.success) throw ERRORS.FILE_NOT_FOUND;
  return { metadata: parsed.data };
}
