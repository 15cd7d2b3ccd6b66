// Verify (PROTOCOL.md "Verify", paging in docs/protocol.md): what a device must fix to match the
// server, one key range per page.
//   1. The page starts after the cursor's key (or at the first key) and keeps the cursor's types.
//   2. The device sends its records after that key, in key order, at most `limit`. Fewer than
//      `limit` means "this is all I have after the key"; exactly `limit` means it may have more,
//      so the page can cover no key beyond its last item.
//   3. Read up to `limit` + 1 live server records in that range. The page ends at the earliest of
//      the server's `limit`-th record and (step 2) the device's last item: that key is `until`.
//   4. Within (after, until]: a listed record with another checksum is `changed`, a listed record
//      the caller's streams do not hold live is `deleted`, a live record not listed is `missing`.
//      Items beyond `until` wait for the next page; items before the start are a client bug (400).
//   5. Add the digest of the whole state (types filter applied) so the device can check itself.
import type { Db } from "../db/client";
import type { DeviceContext } from "../devices/register";
import { env } from "../env";
import { AppError } from "../errors";
import { computeDigest } from "./digest";
import { compareKeys, keyTuple, readLiveRange, startOf } from "./key-range";
import { toWireRecord, type RecordKey } from "./records";
import type { TVerifyItem, TVerifyRequest, TVerifyResponse } from "@syncdesk/protocol";
import { signKeyCursor } from "./tokens";

type Listed = RecordKey & { checksum: string; index: number };

const keyId = (k: RecordKey) => JSON.stringify(keyTuple(k));

function listItems(device: DeviceContext, items: TVerifyItem[], after: RecordKey | null, types: string[] | null): Listed[] {
  const own = `user:${device.userId}`;
  const listed = items.map((item, index) => ({ stream: item.stream ?? own, type: item.type, id: item.id, checksum: item.checksum, index }));
  const bad = (index: number, message: string) =>
    new AppError("invalid_request", "The body is invalid", { fields: [{ field: `items.${index}`, message }] });
  const seen = new Set<string>();
  for (const item of listed) {
    if (after && compareKeys(item, after) <= 0) throw bad(item.index, "comes before the cursor: send only keys after it, in key order");
    if (types && !types.includes(item.type)) throw bad(item.index, "type is not among the requested types");
    if (seen.has(keyId(item))) throw bad(item.index, "the same key is listed twice");
    seen.add(keyId(item));
  }
  return listed.sort(compareKeys);
}

export async function verifyPage(db: Db, device: DeviceContext, request: TVerifyRequest): Promise<TVerifyResponse> {
  // 1-2
  const start = startOf("verify", device.userId, request.cursor, request.types);
  const listed = listItems(device, request.items, start.after, start.types);
  const deviceEnd = listed.length === request.limit ? (listed.at(-1) ?? null) : null;
  // 3
  const rows = await readLiveRange(db, {
    streams: device.streams, types: start.types, after: start.after, until: deviceEnd, take: request.limit + 1,
  });
  const serverMore = rows.length > request.limit;
  const page = rows.slice(0, request.limit);
  const lastRow = page.at(-1);
  const until: RecordKey | null = serverMore && lastRow ? lastRow : deviceEnd;
  // 4
  const server = new Map(page.map((row) => [keyId(row), row]));
  const inRange = listed.filter((item) => until === null || compareKeys(item, until) <= 0);
  const named = new Set(inRange.map(keyId));
  const changed = inRange.flatMap((item) => {
    const row = server.get(keyId(item));
    return row && row.checksum !== item.checksum ? [toWireRecord(row)] : [];
  });
  const deleted = inRange.filter((item) => !server.has(keyId(item))).map(({ stream, type, id }) => ({ stream, type, id }));
  const missing = page.filter((row) => !named.has(keyId(row))).map(toWireRecord);
  // 5
  const { digest } = await computeDigest(db, device.streams, start.types);
  const cursor = until
    ? signKeyCursor(env().syncTokenSecret, { k: "verify", u: device.userId, f: start.types, a: keyTuple(until) })
    : null;
  const untilKey = until ? { stream: until.stream, type: until.type, id: until.id } : null;
  return { changed, missing, deleted, digest, more: until !== null, cursor, until: untilKey };
}
