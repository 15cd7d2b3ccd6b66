// Who may read a blob: its owner, and members of any stream it was written to or that a record
// referencing it was pushed to (blob_refs). Everyone else gets the same 404 as for an unknown key.
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";
import { ZBlobKey } from "@syncdesk/protocol";

export type BlobRow = { key: string; ownerId: string; stream: string; size: bigint; sha256: string | null; contentType: string; filename: string; storageKey: string; createdAt: Date };

export async function getReadableBlobOrThrow(db: DbOrTx, caller: Caller, key: string): Promise<BlobRow> {
  const notFound = new AppError("not_found", "No such blob");
  if (!ZBlobKey.safeParse(key).success) throw notFound;
  const blob = await db.blob.findFirst({
    where: {
      key,
      OR: [{ ownerId: caller.userId }, { stream: { in: caller.streams } }, { refs: { some: { stream: { in: caller.streams } } } }],
    },
  });
  if (!blob) throw notFound;
  return blob;
}
