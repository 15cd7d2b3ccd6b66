// The tus uploads' own bookkeeping (table tus_uploads): who created each upload (only that user
// may touch it: anyone else gets the 404 of an unknown upload), its validated metadata, the blob
// it became, and the sweep of unfinished uploads past their expiry.
import { z } from "zod";
import type { DataStore } from "@tus/utils";
import type { Db } from "../db/client";
import { AppError, invalidRequest } from "../errors";
import type { Caller } from "../auth/caller";
import { getResourceType } from "../types/registry";
import { ZCreateUploadRequest, type TAttach } from "@syncdesk/protocol";

/** Upload-Metadata keys we read (docs/protocol.md "tus"); other keys are ignored. */
const ZTusMetadata = z
  .object({
    filename: ZCreateUploadRequest.shape.filename.optional(),
    // A type we cannot use is dropped (stored as application/octet-stream), not refused: clients
    // send whatever the platform guessed, and the upload is still wanted.
    filetype: z.string().optional().transform((t) => (t && ZCreateUploadRequest.shape.content_type.safeParse(t).success ? t.trim() : undefined)),
    sha256: ZCreateUploadRequest.shape.sha256,
    attach_type: z.string().min(1).max(64).optional(),
    attach_id: z.string().min(1).max(200).optional(),
    attach_field: z.string().min(1).max(100).optional(),
    attach_stream: z.string().min(1).max(200).optional(),
  })
  .refine((m) => [m.attach_type, m.attach_id, m.attach_field].every((v) => v === undefined) || (m.attach_type && m.attach_id && m.attach_field), {
    message: "attach_type, attach_id and attach_field go together",
    path: ["attach_type"],
  });

export type TusMetadata = { filename: string; contentType?: string; sha256?: string; attach?: TAttach };
export const ZStoredTusMetadata = z.object({
  filename: z.string(),
  contentType: z.string().optional(),
  sha256: z.string().optional(),
  attach: z.object({ type: z.string(), id: z.string(), field: z.string(), stream: z.string().optional() }).optional(),
});

/** Validates a tus Upload-Metadata map (values may be null: a key sent without a value). */
export function parseTusMetadata(raw: Record<string, string | null> | undefined): TusMetadata {
  // A key without a value, or with an empty one (a browser's unknown File.type), is no key.
  const present = Object.fromEntries(Object.entries(raw ?? {}).filter((e): e is [string, string] => e[1] !== null && e[1] !== ""));
  // Uppy's names for the same facts.
  const aliases = { filename: present.filename ?? present.name, filetype: present.filetype ?? present.type };
  const parsed = ZTusMetadata.safeParse({ ...present, ...aliases });
  if (!parsed.success) throw invalidRequest(parsed.error.issues, "The Upload-Metadata is invalid");
  const m = parsed.data;
  const metadata: TusMetadata = { filename: m.filename ?? "upload" };
  if (m.filetype) metadata.contentType = m.filetype;
  if (m.sha256) metadata.sha256 = m.sha256;
  if (m.attach_type && m.attach_id && m.attach_field) {
    metadata.attach = { type: m.attach_type, id: m.attach_id, field: m.attach_field };
    if (m.attach_stream) metadata.attach.stream = m.attach_stream;
  }
  return metadata;
}

/** Refuses at creation what finishUpload would refuse at the end: not a media field, or no such record of the caller's. */
export async function checkAttachTarget(db: Db, caller: Caller, attach: TAttach): Promise<void> {
  if (!getResourceType(attach.type)?.mediaFields?.includes(attach.field)) {
    throw new AppError("invalid_request", `${attach.type}.${attach.field} is not a media field`, {
      fields: [{ field: "attach_field", message: "not a media field of this type" }],
    });
  }
  const streams = attach.stream ? caller.streams.filter((s) => s === attach.stream) : caller.streams;
  const found = await db.record.findFirst({ where: { type: attach.type, id: attach.id, stream: { in: streams }, deleted: false }, select: { id: true } });
  if (!found) throw new AppError("not_found", `No ${attach.type} ${attach.id}`);
}

export type TusSession = {
  id: string;
  userId: string;
  storageKey: string;
  size: number | null;
  metadata: TusMetadata;
  blobKey: string | null;
  expiresAt: Date;
};

const SELECT = { id: true, userId: true, storageKey: true, size: true, metadata: true, blobKey: true, expiresAt: true } as const;

function toSession(row: { id: string; userId: string; storageKey: string; size: bigint | null; metadata: unknown; blobKey: string | null; expiresAt: Date }): TusSession {
  return { ...row, size: row.size === null ? null : Number(row.size), metadata: ZStoredTusMetadata.parse(row.metadata) };
}

export async function createTusSession(
  db: Db,
  input: { id: string; caller: Caller; deviceId: string | null; storageKey: string; size: number | null; metadata: TusMetadata; ttlHours: number },
): Promise<void> {
  await db.tusUpload.create({
    data: {
      id: input.id,
      userId: input.caller.userId,
      deviceId: input.deviceId,
      storageKey: input.storageKey,
      size: input.size === null ? null : BigInt(input.size),
      metadata: input.metadata,
      expiresAt: new Date(Date.now() + input.ttlHours * 3600_000),
    },
  });
}

/** The caller's upload, or null: another user's upload is indistinguishable from none. */
export async function findOwnedTusSession(db: Db, caller: Caller, id: string): Promise<TusSession | null> {
  const row = await db.tusUpload.findFirst({ where: { id, userId: caller.userId }, select: SELECT });
  return row ? toSession(row) : null;
}

export async function getOwnedTusSessionOrThrow(db: Db, caller: Caller, id: string): Promise<TusSession> {
  const session = await findOwnedTusSession(db, caller, id);
  if (!session) throw new AppError("not_found", "No such upload");
  return session;
}

/** `size` too: an upload created with a deferred length learns it only at the end. */
export async function markTusSessionFinished(db: Db, id: string, blobKey: string, size: number): Promise<void> {
  await db.tusUpload.update({ where: { id }, data: { blobKey, size: BigInt(size), finishedAt: new Date() } });
}

export async function deleteTusSession(db: Db, id: string): Promise<void> {
  await db.tusUpload.deleteMany({ where: { id, blobKey: null } });
}

/** Deletes unfinished uploads past their expiry, bytes first (at most `limit` per call). */
export async function expireTusUploads(db: Db, store: DataStore, now: Date, limit = 500): Promise<{ expiredTusUploads: number }> {
  const expired = await db.tusUpload.findMany({
    where: { blobKey: null, expiresAt: { lt: now } },
    select: { id: true, storageKey: true },
    orderBy: { expiresAt: "asc" },
    take: limit,
  });
  let count = 0;
  for (const upload of expired) {
    // Already gone (terminated, or never written) is fine: the row is what remains to remove.
    await store.remove(upload.storageKey).catch(() => undefined);
    const { count: deleted } = await db.tusUpload.deleteMany({ where: { id: upload.id, blobKey: null } });
    count += deleted;
  }
  return { expiredTusUploads: count };
}
