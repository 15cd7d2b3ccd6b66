// Finishing an upload (resumable Content-Range uploads and tus both end here), in one bundle
// transaction (server/sync/commit-bundle.ts):
//   1. find the record to attach to, if any, among the caller's streams (404 otherwise);
//   2. lock that stream (or the caller's user stream) as every writer does;
//   3. insert the blob row and the stream's reference to it;
//   4. write the change devices receive on pull: the attached record with `field` set to the blob
//      key, or a `blob` record (id = blob key) in the caller's user stream;
//   5. after commit, announce the change to live-update connections (commitBundle does).
import type { Db } from "../db/client";
import { AppError, invalidFields } from "../errors";
import type { Caller } from "../auth/caller";
import type { Sql } from "../db/sql";
import { commitBundle } from "../sync/commit-bundle";
import { commitRecordChange, toWireRecord, type RecordRow } from "../sync/records";
import { getResourceType } from "../types/registry";
import type { TRecord } from "@syncdesk/protocol";
import { sourceOfCaller } from "../feed/source";
import { blobUrl, newBlobKey } from "./keys";
import type { TAttach, TBlob } from "@syncdesk/protocol";

export type FinishUploadInput = {
  /** Where the BlobStore finds the bytes. */
  storageKey: string;
  size: number;
  /** Verified digest, hex (a `sha256:` prefix is accepted). */
  sha256: string;
  contentType?: string;
  filename: string;
  attach?: TAttach;
};

export type FinishedUpload = { blob: TBlob; record: TRecord };

export const BLOB_TYPE = "blob";

export async function finishUpload(db: Db, caller: Caller, input: FinishUploadInput): Promise<FinishedUpload> {
  const sha256 = input.sha256.replace(/^sha256:/, "").toLowerCase();
  const contentType = input.contentType ?? "application/octet-stream";
  const key = newBlobKey();
  return commitBundle(db, "upload", async (tx) => {
    // 1.
    const stream = input.attach ? await attachedStream(tx.sql, caller, input.attach) : `user:${caller.userId}`;
    // 2.
    const bundle = await tx.open([stream], { batchId: null, source: sourceOfCaller(caller) });
    // 3.
    const [created] = await tx.sql<{ created_at: Date }>(
      `INSERT INTO blobs (key, owner_id, stream, size, sha256, content_type, filename, storage_key)
       VALUES ($1, $2, $3, $4::bigint, $5, $6, $7, $8) RETURNING created_at`,
      [key, caller.userId, stream, String(input.size), sha256, contentType, input.filename, input.storageKey]);
    await tx.sql("INSERT INTO blob_refs (blob_key, stream) VALUES ($1, $2)", [key, stream]);
    // 4.
    let row: RecordRow;
    if (input.attach) {
      const { type: typeName, id, field } = input.attach;
      const recordKey = { stream, type: typeName, id };
      const existing = await bundle.readRecord(recordKey);
      if (!existing || existing.deleted) throw new AppError("not_found", `No ${typeName} ${id}`);
      const parsed = getResourceType(typeName)?.validate({ ...existing.data, [field]: key });
      if (!parsed?.ok) throw invalidFields(parsed?.issues ?? [], `The blob cannot be set on ${typeName}.${field}`);
      row = commitRecordChange(bundle, recordKey, existing, { op: "upsert", data: parsed.data, updatedAt: new Date() });
    } else {
      const data = { key, filename: input.filename, content_type: contentType, size: input.size, sha256: `sha256:${sha256}` };
      row = commitRecordChange(bundle, { stream, type: BLOB_TYPE, id: key }, null, { op: "upsert", data, updatedAt: new Date() });
    }
    const blob: TBlob = {
      key, size: input.size, sha256: `sha256:${sha256}`, content_type: contentType, filename: input.filename,
      stream, url: blobUrl(key), created_at: new Date(created?.created_at ?? Date.now()).toISOString(),
    };
    return { blob, record: toWireRecord(row) };
  });
}

/** The stream of the live record to attach to, among the caller's streams (404 otherwise). */
async function attachedStream(sql: Sql, caller: Caller, attach: TAttach): Promise<string> {
  const type = getResourceType(attach.type);
  if (!type?.mediaFields?.includes(attach.field)) {
    throw new AppError("invalid_request", `${attach.type}.${attach.field} is not a media field`, {
      fields: [{ field: "attach.field", message: "not a media field of this type" }],
    });
  }
  const streams = attach.stream ? caller.streams.filter((s) => s === attach.stream) : caller.streams;
  const [found] = await sql<{ stream: string }>(
    "SELECT stream FROM records WHERE type = $1 AND id = $2 AND stream = ANY($3::text[]) AND NOT deleted ORDER BY stream LIMIT 1",
    [attach.type, attach.id, streams]);
  if (!found) throw new AppError("not_found", `No ${attach.type} ${attach.id}`);
  return found.stream;
}
