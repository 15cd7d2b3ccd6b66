// Resumable upload sessions (PROTOCOL.md "Uploads"): creating one, and finding one for its owner.
// Another user's session, an unknown id and an expired session are the same 404: nothing to probe.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";
import { recordUploadStarted } from "../metrics/registry";
import { getBlobStore, ZPartialState, type PartialState } from "../storage/blob-store";
import { sessionStorageKey } from "./keys";
import { uploadLimits } from "./limits";
import type { TCreateUploadRequest, TUploadInfo } from "@syncdesk/protocol";

export type SessionRow = {
  id: string;
  ownerId: string;
  filename: string;
  contentType: string;
  size: bigint;
  expectedSha256: string | null;
  offset: bigint;
  status: string;
  storageKey: string;
  storeState: unknown;
  leaseUntil: Date | null;
  blobKey: string | null;
  expiresAt: Date;
};

export const sessionSelect = {
  id: true, ownerId: true, filename: true, contentType: true, size: true, expectedSha256: true, offset: true,
  status: true, storageKey: true, storeState: true, leaseUntil: true, blobKey: true, expiresAt: true,
} as const;

export const uploadUrl = (id: string): string => `/api/v1/uploads/${id}`;

export function toUploadInfo(row: SessionRow): TUploadInfo {
  const info: TUploadInfo = {
    upload_id: row.id,
    chunk_size: uploadLimits().chunkBytes,
    offset: Number(row.offset),
    size: Number(row.size),
    // `verified` (bytes checked, record not yet written) is still open to the client.
    status: row.status === "verified" ? "open" : (row.status as TUploadInfo["status"]),
    upload_url: uploadUrl(row.id),
    expires_at: row.expiresAt.toISOString(),
  };
  if (row.blobKey) info.blob_key = row.blobKey;
  return info;
}

export function partialStateOf(row: SessionRow): PartialState {
  return ZPartialState.parse(row.storeState);
}

export async function createUploadSession(db: DbOrTx, caller: Caller, request: TCreateUploadRequest, now = new Date()): Promise<TUploadInfo> {
  const limits = uploadLimits();
  if (request.size > limits.maxBytes) {
    throw new AppError("payload_too_large", `Uploads are limited to ${limits.maxBytes} bytes`, { limit: limits.maxBytes });
  }
  const id = randomUUID();
  const storageKey = sessionStorageKey(id);
  const row = await db.uploadSession.create({
    data: {
      id, ownerId: caller.userId, filename: request.filename, contentType: request.content_type ?? "application/octet-stream",
      size: BigInt(request.size), expectedSha256: request.sha256 ?? null, storageKey,
      storeState: getBlobStore().beginPartial(storageKey), expiresAt: new Date(now.getTime() + limits.ttlMs),
    },
    select: sessionSelect,
  });
  recordUploadStarted("resumable");
  return toUploadInfo(row);
}

const ZUuid = z.uuid();

/** The caller's live session, or 404 (unknown, another user's, expired, or swept). */
export async function getUploadSessionOrThrow(db: DbOrTx, caller: Caller, id: string, now = new Date()): Promise<SessionRow> {
  const notFound = new AppError("not_found", "No such upload");
  if (!ZUuid.safeParse(id).success) throw notFound;
  const row = await db.uploadSession.findFirst({ where: { id, ownerId: caller.userId }, select: sessionSelect });
  if (!row) throw notFound;
  if (row.status !== "completed" && row.expiresAt <= now) throw new AppError("not_found", "No such upload (it expired)");
  return row;
}
