// GET /server/records: the current live records a service key's streams hold, in key order
// (stream, type, id), paged by an opaque cursor (the last key answered).
import { z } from "zod";
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { AppError } from "../errors";
import { likePatterns, streamAllowed } from "../keys/stream-patterns";
import { RECORD_COLUMNS, toRecordRow, toWireRecord, type RawRecord } from "./records";
import type { TServerRecordsQuery, TServerRecordsResponse } from "./server-schemas";

const ZAfter = z.tuple([z.string(), z.string(), z.string()]);

function openCursor(cursor: string | undefined): [string, string, string] | null {
  if (!cursor) return null;
  try {
    return ZAfter.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new AppError("invalid_request", "The cursor is not valid");
  }
}

export async function listServerRecords(db: Db, streams: readonly string[], query: TServerRecordsQuery): Promise<TServerRecordsResponse> {
  if (query.stream && !streamAllowed(streams, query.stream)) {
    throw new AppError("forbidden", `The service key's streams do not include ${query.stream}`);
  }
  const after = openCursor(query.cursor);
  const rows = await sqlOf(db)<RawRecord>(
    `SELECT ${RECORD_COLUMNS} FROM records
     WHERE NOT deleted AND stream LIKE ANY($1::text[])
       AND ($2::text IS NULL OR stream = $2) AND ($3::text IS NULL OR type = $3) AND ($4::text IS NULL OR id = $4)
       AND ($5::text IS NULL OR (stream, type, id) > ($5, $6, $7))
     ORDER BY stream, type, id LIMIT $8`,
    [likePatterns(streams), query.stream ?? null, query.type ?? null, query.id ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    records: page.map((r) => toWireRecord(toRecordRow(r))),
    cursor: more && last ? Buffer.from(JSON.stringify([last.stream, last.type, last.id])).toString("base64url") : null,
    more,
  };
}
