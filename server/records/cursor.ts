// Opaque cursors of the record browser, paged by the primary key (stream, type, id). A cursor is
// client input: anything that is not three strings is a 400, never a 500.
import { z } from "zod";
import { AppError } from "../errors";
import { findUnstorableJson } from "../http/storable-json";
import type { RecordKey } from "../sync/records";

const ZKeyTuple = z.tuple([z.string().max(1000), z.string().max(1000), z.string().max(1000)]);

export function encodeRecordCursor(key: RecordKey): string {
  return Buffer.from(JSON.stringify([key.stream, key.type, key.id])).toString("base64url");
}

export function decodeRecordCursor(cursor: string): RecordKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new AppError("invalid_request", "The cursor is invalid");
  }
  const tuple = ZKeyTuple.safeParse(parsed);
  // A NUL or lone surrogate inside the decoded key would reach PostgreSQL, which refuses it.
  if (!tuple.success || findUnstorableJson(tuple.data)) throw new AppError("invalid_request", "The cursor is invalid");
  const [stream, type, id] = tuple.data;
  return { stream, type, id };
}
