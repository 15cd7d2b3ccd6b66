// POST /sync/fetch: the current live records by key, e.g. to repair what verify reported. A key
// outside the caller's streams, deleted, or never written is `missing`, all alike.
import type { DbOrTx } from "../db/client";
import type { Caller } from "../http/device-auth";
import { toWireRecord, type RecordData, type RecordKey } from "./records";
import type { TFetchRequest, TFetchResponse } from "./schemas";

type RawRecord = RecordKey & { version: number; data: RecordData; deleted: boolean; checksum: string; updated_at: Date };

const keyId = (k: RecordKey) => JSON.stringify([k.stream, k.type, k.id]);

export async function fetchRecords(db: DbOrTx, caller: Caller, request: TFetchRequest): Promise<TFetchResponse> {
  const own = `user:${caller.userId}`;
  const unique = new Map<string, RecordKey>();
  for (const item of request.items) {
    const key = { stream: item.stream ?? own, type: item.type, id: item.id };
    unique.set(keyId(key), key);
  }
  const keys = [...unique.values()];
  const allowed = keys.filter((k) => caller.streams.includes(k.stream));
  const rows = allowed.length === 0 ? [] : await db.$queryRaw<RawRecord[]>`
    SELECT r.stream, r.type, r.id, r.version, r.data, r.deleted, r.checksum, r.updated_at
    FROM records r
    JOIN unnest(${allowed.map((k) => k.stream)}::text[], ${allowed.map((k) => k.type)}::text[], ${allowed.map((k) => k.id)}::text[])
      AS k(stream, type, id) ON r.stream = k.stream AND r.type = k.type AND r.id = k.id
    WHERE NOT r.deleted`;
  const found = new Map(rows.map((r) => [keyId(r), toWireRecord({ ...r, updatedAt: new Date(r.updated_at) })]));
  return {
    records: keys.flatMap((k) => found.get(keyId(k)) ?? []),
    missing: keys.filter((k) => !found.has(keyId(k))),
  };
}
