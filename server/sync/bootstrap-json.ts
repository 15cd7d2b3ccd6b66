// A bootstrap page on the wire (PROTOCOL.md "Bootstrap"), from rows whose `data` is the stored
// document's JSON text (bootstrap.ts). As for the pull (change-json.ts), the page is written as text
// with each document spliced in as PostgreSQL prints it: the same JSON values as parsing and
// serialising it again, without doing either. Parsing 5,000 documents per page only to serialise
// them again was most of the page's CPU and, being garbage, let the heap grow to ~3x the live one
// between full GCs (bench/profiles/2026-12-05-bootstrap.md). In-process callers get objects
// (`toBootstrapResponse`).
import type { TBootstrapResponse, TRecord } from "@syncdesk/protocol";

/** A live record of the snapshot as read: `data` is JSON text, `updated_at` ISO text. */
export type SnapshotRow = {
  stream: string; type: string; id: string; version: number; data: string | null;
  deleted: boolean; checksum: string; updated_at: string;
};

/** A bootstrap page: the records as read, the answer's other fields ready. */
export type BootstrapPage = Omit<TBootstrapResponse, "items"> & { items: SnapshotRow[] };

/** The record as an object (parsing its JSON text): what `recordJson` writes, for in-process callers. */
export function toWireRecord(row: SnapshotRow): TRecord {
  return {
    type: row.type, id: row.id, stream: row.stream, version: row.version, data: JSON.parse(row.data ?? "null") as TRecord["data"],
    deleted: row.deleted, updated_at: row.updated_at, checksum: row.checksum,
  };
}

/** The record's JSON text, fields in `toWireRecord`'s order. */
export function recordJson(row: SnapshotRow): string {
  // version is an integer, deleted a boolean, and updated_at ISO text: none needs
  // escaping. type, id, stream and checksum are any text.
  return `{"type":${JSON.stringify(row.type)},"id":${JSON.stringify(row.id)},"stream":${JSON.stringify(row.stream)},` +
    `"version":${row.version},"data":${row.data ?? "null"},"deleted":${row.deleted},"updated_at":"${row.updated_at}",` +
    `"checksum":${JSON.stringify(row.checksum)}}`;
}

/** The page's answer as JSON text (what `JSON.stringify(toBootstrapResponse(page))` means). */
export function bootstrapPageJson(page: BootstrapPage): string {
  // One array of the records' texts joined once: a 5,000-record page is one ~2 MiB string, not
  // 5,000 intermediate ones concatenated into each other.
  const parts = new Array<string>(page.items.length);
  for (let i = 0; i < page.items.length; i++) parts[i] = recordJson(page.items[i] as SnapshotRow);
  return `{"items":[${parts.join(",")}],"cursor":${JSON.stringify(page.cursor)},"more":${page.more},` +
    `"token":${JSON.stringify(page.token)},"server_time":${JSON.stringify(page.server_time)}}`;
}

export function toBootstrapResponse(page: BootstrapPage): TBootstrapResponse {
  return { items: page.items.map(toWireRecord), cursor: page.cursor, more: page.more, token: page.token, server_time: page.server_time };
}
