// The media check of a pushed record (PROTOCOL.md "Records and types": media fields). Each media
// field's blob key must exist and be usable by the pusher, else the item fails with
// `media_not_found` (an item error, never a batch failure):
//   1. a blob the pusher owns, or one already in the record's stream (editing a shared record that
//      references a teammate's upload), is accepted;
//   2. a presigned key the pusher reserved is accepted once its bytes are in the store, and becomes
//      a blob (sha256 unknown: the bytes never passed through this server);
//   3. the record's stream is then recorded as referencing each blob, so its members may download it.
// Runs in the bundle's transaction (`sql`): a rejected atomic push takes all of it back.
import type { Sql } from "../db/sql";
import { recordUploadCompleted } from "../metrics/registry";
import { getBlobStore } from "../storage/blob-store";
import { ItemError } from "./item-error";
import type { ResourceType } from "../types/resource-type";

type BlobRow = { owner_id: string; stream: string; referenced: boolean };
type MediaRow = { owner_id: string; storage_key: string; size: string | bigint; content_type: string; filename: string };

export async function checkMediaFields(sql: Sql, type: ResourceType, data: Record<string, unknown> | null, userId: string, stream: string): Promise<void> {
  if (!type.mediaFields?.length || !data) return;
  const keys: string[] = [];
  for (const field of type.mediaFields) {
    const key = data[field];
    if (key === null || key === undefined) continue;
    if (typeof key !== "string") throw new ItemError("invalid_data", `${field} must be a blob key`);
    const missing = new ItemError("media_not_found", `${field}: no uploaded blob ${key} of yours`);
    // 1.
    const [blob] = await sql<BlobRow>(
      `SELECT owner_id, stream, EXISTS (SELECT 1 FROM blob_refs WHERE blob_key = $1 AND stream = $2) AS referenced
       FROM blobs WHERE key = $1`, [key, stream]);
    if (blob) {
      if (blob.owner_id !== userId && blob.stream !== stream && !blob.referenced) throw missing;
      keys.push(key);
      continue;
    }
    // 2.
    const [media] = await sql<MediaRow>("SELECT owner_id, storage_key, size, content_type, filename FROM media_uploads WHERE key = $1", [key]);
    if (!media || media.owner_id !== userId) throw missing;
    const stored = await getBlobStore().stat(media.storage_key).catch(() => {
      throw new ItemError("storage_unavailable", `${field}: upload storage is unavailable; push again later`);
    });
    if (!stored || stored.size !== Number(media.size)) throw new ItemError("media_not_found", `${field}: ${key} has not been uploaded yet`);
    const promoted = await sql(
      `INSERT INTO blobs (key, owner_id, stream, size, sha256, content_type, filename, storage_key)
       VALUES ($1, $2, $3, $4::bigint, NULL, $5, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, userId, stream, String(media.size), media.content_type, media.filename, media.storage_key]);
    if (promoted.length > 0) recordUploadCompleted("presigned");
    keys.push(key);
  }
  // 3.
  if (keys.length > 0) {
    await sql("INSERT INTO blob_refs (blob_key, stream) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING", [keys, stream]);
  }
}
