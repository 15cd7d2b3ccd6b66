// Listing conflicts visible to a caller (records in their streams), newest first, keyset paged.
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { AppError } from "../errors";
import { toWireConflict, type TConflict } from "./wire";

export type ConflictPage = { conflicts: TConflict[]; next_cursor: string | null };

const ZUuid = z.uuid();

/** A cursor is client input: anything the database would refuse (a non-uuid id, year 0) is a 400. */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  const year = createdAt.getUTCFullYear();
  if (!ZUuid.safeParse(id).success || Number.isNaN(year) || year < 1 || year > 9999) {
    throw new AppError("invalid_request", "The cursor is invalid");
  }
  return { createdAt, id: id ?? "" };
}

export async function listConflicts(
  db: DbOrTx,
  scope: { streams: string[] },
  query: { status: "open" | "resolved" | "all"; limit: number; cursor?: string },
): Promise<ConflictPage> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await db.conflict.findMany({
    where: {
      stream: { in: scope.streams },
      ...(query.status === "all" ? {} : { status: query.status }),
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString("base64url")
      : null;
  return { conflicts: page.map(toWireConflict), next_cursor: nextCursor };
}
