// The media check of a pushed record (PROTOCOL.md "Records and types": media fields). Each media
// field's blob key must exist and be usable by the pusher, else the item fails with
// `media_not_found` (an item error, never a batch failure):
//   1. a blob the pusher owns, or one already in the record's stream (editing a shared record that
//      references a teammate's photo), is accepted;
//   2. a presigned key the pusher reserved is accepted once its bytes are in the store, and becomes
//      a blob (sha256 unknown: the bytes never passed through this server);
//   3. the record's stream is then recorded as referencing each blob, so its members may download it.
import type { Tx } from "../db/client";
import { recordUploadCompleted } from "../metrics/registry";
import { getBlobStore } from "../storage/blob-store";
import { ItemError } from "../sync/item-error";
import type { ResourceType } from "../sync/resource-types";

export async function checkMediaFields(tx: Tx, type: ResourceType, data: Record<string, unknown> | null, userId: string, stream: string): Promise<void> {
  if (!type.mediaFields?.length || !data) return;
  const keys: string[] = [];
  for (const field of type.mediaFields) {
    const key = data[field];
    if (key === null || key === undefined) continue;
    if (typeof key !== "string") throw new ItemError("invalid_data", `${field} must be a blob key`);
    const missing = new ItemError("media_not_found", `${field}: no uploaded blob ${key} of yours`);
    // 1.
    const blob = await tx.blob.findUnique({ where: { key }, select: { ownerId: true, stream: true, refs: { where: { stream }, select: { stream: true } } } });
    if (blob) {
      if (blob.ownerId !== userId && blob.stream !== stream && blob.refs.length === 0) throw missing;
      keys.push(key);
      continue;
    }
    // 2.
    const media = await tx.mediaUpload.findUnique({ where: { key } });
    if (!media || media.ownerId !== userId) throw missing;
    const stored = await getBlobStore().stat(media.storageKey).catch(() => {
      throw new ItemError("storage_unavailable", `${field}: upload storage is unavailable; push again later`);
    });
    if (!stored || stored.size !== Number(media.size)) throw new ItemError("media_not_found", `${field}: ${key} has not been uploaded yet`);
    const promoted = await tx.blob.createMany({
      data: [{ key, ownerId: userId, stream, size: media.size, sha256: null, contentType: media.contentType, filename: media.filename, storageKey: media.storageKey }],
      skipDuplicates: true,
    });
    if (promoted.count > 0) recordUploadCompleted("presigned");
    keys.push(key);
  }
  // 3.
  if (keys.length > 0) await tx.blobRef.createMany({ data: keys.map((blobKey) => ({ blobKey, stream })), skipDuplicates: true });
}
