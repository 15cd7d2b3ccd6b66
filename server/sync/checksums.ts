// GET /sync/checksums: the caller's live records as {stream, type, id, version, checksum}, in key
// order (key-range.ts), keyset-paged with a signed cursor. Reads the stored checksums only.
import type { Caller } from "../auth/caller";
import type { Db } from "../db/client";
import { env } from "../env";
import { keyTuple, readLiveRange, startOf } from "./key-range";
import type { TChecksumsQuery, TChecksumsResponse } from "@syncdesk/protocol";
import { signKeyCursor } from "./tokens";

export async function listChecksums(db: Db, caller: Caller, query: TChecksumsQuery): Promise<TChecksumsResponse> {
  const start = startOf("sums", caller.userId, query.cursor, query.types);
  const rows = await readLiveRange(db, { streams: caller.streams, types: start.types, after: start.after, until: null, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const more = rows.length > query.limit && last !== undefined;
  return {
    items: page.map((r) => ({ stream: r.stream, type: r.type, id: r.id, version: r.version, checksum: r.checksum })),
    more,
    cursor: more && last ? signKeyCursor(env().syncTokenSecret, { k: "sums", u: caller.userId, f: start.types, a: keyTuple(last) }) : null,
  };
}
