// POST /sync/fetch: the current live records by key, e.g. to repair what verify reported. A key
// outside the caller's streams, deleted, or never written is `missing`, all alike.
import type { Caller } from "../auth/caller";
import type { Db } from "../db/client";
import { sqlOf } from "../db/sql";
import { RECORD_COLUMNS_OF, toRecordRow, toWireRecord, type RawRecord, type RecordKey } from "./records";
import type { TFetchRequest, TFetchResponse } from "@syncdesk/protocol";

const keyId = (k: RecordKey) => JSON.stringify([k.stream, k.type, k.id]);

export async function fetchRecords(db: Db, caller: Caller, request: TFetchRequest): Promise<TFetchResponse> {
  const own = `user:${caller.userId}`;
  const unique = new Map<string, RecordKey>();
  for (const item of request.items) {
    const key = { stream: item.stream ?? own, type: item.type, id: item.id };
    unique.set(keyId(key), key);
  }
  const keys = [...unique.values()];
  const allowed = keys.filter((k) => caller.streams.includes(k.stream));
  const rows = allowed.length === 0 ? [] : await sqlOf(db)<RawRecord>(
    `SELECT ${RECORD_COLUMNS_OF("r")}
     FROM records r
     JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(stream, type, id) ON r.stream = k.stream AND r.type = k.type AND r.id = k.id
     WHERE NOT r.deleted`,
    [allowed.map((k) => k.stream), allowed.map((k) => k.type), allowed.map((k) => k.id)]);
  const found = new Map(rows.map((r) => [keyId(r), toWireRecord(toRecordRow(r))]));
  return {
    records: keys.flatMap((k) => found.get(keyId(k)) ?? []),
    missing: keys.filter((k) => !found.has(keyId(k))),
  };
}
