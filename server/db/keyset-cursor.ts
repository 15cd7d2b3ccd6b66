// Opaque cursors for lists paged by (timestamp desc, uuid desc). A cursor is client input: anything
// the database would refuse (a non-uuid id, year 0) is a 400, never a 500.
import { z } from "zod";
import { AppError } from "../errors";

export type KeysetPosition = { at: Date; id: string };

const ZUuid = z.uuid();

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`).toString("base64url");
}

export function decodeKeysetCursor(cursor: string): KeysetPosition {
  const [at, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  const year = date.getUTCFullYear();
  if (extra !== undefined || !ZUuid.safeParse(id).success || Number.isNaN(year) || year < 1 || year > 9999) {
    throw new AppError("invalid_request", "The cursor is invalid");
  }
  return { at: date, id: id ?? "" };
}

/** A page of `limit` rows out of `limit + 1` fetched, and the cursor of the next page. */
export function keysetPage<T>(rows: T[], limit: number, positionOf: (row: T) => KeysetPosition) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeKeysetCursor(positionOf(last)) : null };
}
