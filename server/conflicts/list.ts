// Listing conflicts visible to a caller (records in their streams), newest first, keyset paged.
import type { DbOrTx } from "../db/client";
import { decodeKeysetCursor, keysetPage } from "../db/keyset-cursor";
import { toWireConflict, type TConflict } from "./wire";

export type ConflictPage = { conflicts: TConflict[]; next_cursor: string | null };

export async function listConflicts(
  db: DbOrTx,
  scope: { streams: string[] },
  query: { status: "open" | "resolved" | "all"; limit: number; cursor?: string },
): Promise<ConflictPage> {
  const after = query.cursor ? decodeKeysetCursor(query.cursor) : null;
  const rows = await db.conflict.findMany({
    where: {
      stream: { in: scope.streams },
      ...(query.status === "all" ? {} : { status: query.status }),
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { conflicts: page.map(toWireConflict), next_cursor: nextCursor };
}
