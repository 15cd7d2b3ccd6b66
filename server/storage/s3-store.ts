// The S3 store (AWS, MinIO, R2...). Whole objects stream through the SDK's multipart Upload.
// Partial upload data lives in the bucket, never on one instance: a multipart upload whose parts
// are at least 5 MiB (S3's minimum for all but the last), plus a "tail" object holding bytes that
// do not yet fill a part. The next chunk, on any instance, reads the tail back and carries on.
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client,
  UploadPartCommand, type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Readable } from "node:stream";
import { emptyS3Partial, type AppendInput, type AppendResult, type BlobStore, type ByteRange, type PartialState } from "./blob-store";

/** S3's smallest part (all but the last). */
export const S3_MIN_PART_BYTES = 5 * 2 ** 20;

type S3Partial = Extract<PartialState, { kind: "s3" }>;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}

export function createS3Store(bucket: string, clientConfig: S3ClientConfig, partBytes = S3_MIN_PART_BYTES): BlobStore {
  const s3 = new S3Client(clientConfig);
  const partTarget = Math.max(partBytes, S3_MIN_PART_BYTES);

  async function readAll(key: string): Promise<Buffer> {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!answer.Body) return Buffer.alloc(0);
    return Buffer.from(await answer.Body.transformToByteArray());
  }

  async function deleteQuietly(key: string | null): Promise<void> {
    if (!key) return;
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  }

  return {
    driver: "s3",
    async stat(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: head.ContentLength ?? 0 };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async read(key: string, range?: ByteRange) {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
      if (!answer.Body) return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return answer.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    },
    async write(key, body, contentType) {
      let size = 0;
      const counted = Readable.from((async function* () {
        for await (const chunk of body) {
          size += chunk.byteLength;
          yield chunk;
        }
      })());
      await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: counted, ContentType: contentType }, partSize: partTarget, queueSize: 1 }).done();
      return { size };
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    beginPartial: emptyS3Partial,
    async appendPartial(key: string, state: PartialState, input: AppendInput): Promise<AppendResult> {
      if (state.kind !== "s3") throw new Error("not an S3 partial upload");
      const next: S3Partial = { ...state, parts: [...state.parts] };
      // The tail (under 5 MiB) starts the buffer; the body fills it part by part.
      const pieces: Buffer[] = next.tail > 0 && next.tailKey ? [await readAll(next.tailKey)] : [];
      let buffered = pieces[0]?.byteLength ?? 0;
      let received = 0;
      const flushPart = async () => {
        next.uploadId ??= (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId ?? null;
        if (!next.uploadId) throw new Error("S3 gave no UploadId");
        const n = next.parts.length + 1;
        const body = Buffer.concat(pieces);
        const answer = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: next.uploadId, PartNumber: n, Body: body, ContentLength: body.byteLength }));
        next.parts.push({ n, etag: answer.ETag ?? "", size: body.byteLength });
        pieces.length = 0;
        buffered = 0;
      };
      let error: unknown;
      try {
        for await (const chunk of input.body) {
          pieces.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          buffered += chunk.byteLength;
          received += chunk.byteLength;
          if (buffered >= partTarget) await flushPart();
        }
      } catch (failure) {
        error = failure;
      }
      // What arrived is kept: a full part (or the upload's last bytes) as a part, less as the tail.
      const reached = input.offset + received;
      if (buffered > 0 && (buffered >= S3_MIN_PART_BYTES || reached >= input.total)) await flushPart();
      if (buffered > 0) {
        const tailKey = `${key}.tail.${next.parts.length}.${input.offset + received}`;
        const body = Buffer.concat(pieces);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: tailKey, Body: body, ContentLength: body.byteLength }));
        next.tail = body.byteLength;
        next.tailKey = tailKey;
      } else {
        next.tail = 0;
        next.tailKey = null;
      }
      // The old tail now lives in a part or the new tail; the caller deletes it (partialGarbage).
      return { state: next, offset: input.offset + received, error };
    },
    async finishPartial(key, state) {
      if (state.kind !== "s3") throw new Error("not an S3 partial upload");
      const parts = [...state.parts];
      let uploadId = state.uploadId;
      if (state.tail > 0 && state.tailKey) {
        // Normally the last chunk flushes everything; a tail left over becomes the last part.
        uploadId ??= (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId ?? null;
        const body = await readAll(state.tailKey);
        const answer = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId ?? undefined, PartNumber: parts.length + 1, Body: body, ContentLength: body.byteLength }));
        parts.push({ n: parts.length + 1, etag: answer.ETag ?? "", size: body.byteLength });
      }
      if (!uploadId || parts.length === 0) {
        // An empty upload: nothing was ever sent.
        if (uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(0), ContentLength: 0 }));
        return;
      }
      await s3.send(new CompleteMultipartUploadCommand({
        Bucket: bucket, Key: key, UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.n, ETag: p.etag })) },
      }));
      await deleteQuietly(state.tailKey);
    },
    async discardPartial(key, state) {
      if (state.kind === "s3") {
        if (state.uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: state.uploadId })).catch(() => undefined);
        await deleteQuietly(state.tailKey);
      }
      await deleteQuietly(key);
    },
    async presignPut(key, options) {
      const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: options.contentType, ContentLength: options.size });
      const url = await getSignedUrl(s3, command, { expiresIn: options.expiresInSeconds });
      return { url, headers: { "content-type": options.contentType } };
    },
  };
}
