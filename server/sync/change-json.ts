// A change on the wire (PROTOCOL.md "Pull"), from a row whose `data` and `conflict` are JSON text
// (pull-read.ts). The pull answer is written as text with the stored documents spliced in as
// PostgreSQL prints them: the same JSON values as parsing and serialising them again, without
// doing either (bench/profiles/2026-12-05-pull.md). PostgreSQL's text differs only in spacing and
// number spelling (`1.50` stays `1.50`), which no JSON reader tells apart; keys come out in jsonb's
// order, which is the order JavaScript already saw, integer-like keys aside (ordered by number on
// parsing, whatever the text). In-process callers get objects (`toWireChange`).
import type { TChange, TPullResponse } from "@syncdesk/protocol";
import type { ChangeRow } from "./pull-read";

/** A pull page: the changes as read, the answer's other fields ready. */
export type PullPage = Omit<TPullResponse, "changes"> & { changes: ChangeRow[] };

const opOf = (row: ChangeRow) => (row.op === "delete" ? "delete" : "upsert");
// JSON `null` stored as a value counts as no value, as it did when parsed (null) before.
const hasData = (row: ChangeRow): row is ChangeRow & { data: string } => row.op !== "delete" && row.data !== null && row.data !== "null";
// Only an object or array is a conflict hint (a stored scalar never was).
const hasConflict = (row: ChangeRow): row is ChangeRow & { conflict: string } =>
  row.conflict !== null && (row.conflict.startsWith("{") || row.conflict.startsWith("["));

/** The change as an object (parsing its JSON text): what `changeJson` writes, for in-process callers. */
export function toWireChange(row: ChangeRow): TChange {
  const change: TChange = {
    seq: Number(row.seq), stream: row.stream, type: row.type, id: row.recordId, op: opOf(row), version: row.version,
    updated_at: row.updatedAt,
  };
  if (hasData(row)) change.data = JSON.parse(row.data) as Record<string, unknown>;
  if (row.batchId) change.batch_id = row.batchId;
  if (hasConflict(row)) change.conflict = JSON.parse(row.conflict) as TChange["conflict"];
  return change;
}

/** JSON string literals of the few names a page repeats on every change (its streams and types). */
function quoter(): (name: string) => string {
  const quoted = new Map<string, string>();
  return (name) => {
    let text = quoted.get(name);
    if (text === undefined) quoted.set(name, (text = JSON.stringify(name)));
    return text;
  };
}

/** The change's JSON text, fields in `toWireChange`'s order. */
export function changeJson(row: ChangeRow, quote: (name: string) => string = JSON.stringify): string {
  // seq is a safe integer, op one of two words, updated_at ISO text and batch_id a UUID: none
  // needs escaping. stream, type and id are any text.
  let text = `{"seq":${Number(row.seq)},"stream":${quote(row.stream)},"type":${quote(row.type)},` +
    `"id":${JSON.stringify(row.recordId)},"op":"${opOf(row)}","version":${row.version},"updated_at":"${row.updatedAt}"`;
  if (hasData(row)) text += `,"data":${row.data}`;
  if (row.batchId) text += `,"batch_id":"${row.batchId}"`;
  if (hasConflict(row)) text += `,"conflict":${row.conflict}`;
  return `${text}}`;
}

/**
 * The page's answer as UTF-8 JSON (what `JSON.stringify(toPullResponse(page))` means), each change's
 * text written into one buffer: joining 1,000 texts and encoding the joined string cost ~4 ms per
 * page against ~1 ms for this (bench/profiles/2026-12-07-pull.md).
 */
export function pullPageBytes(page: PullPage): Buffer<ArrayBuffer> {
  const quote = quoter();
  const head = `{"token":${JSON.stringify(page.token)},"changes":[`;
  const tail = `],"more":${page.more},"server_time":${JSON.stringify(page.server_time)}}`;
  const texts = page.changes.map((row) => changeJson(row, quote));
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail) + texts.length;
  for (const text of texts) size += Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafe(size);
  let at = bytes.write(head);
  for (const [i, text] of texts.entries()) {
    if (i > 0) at = bytes.writeUInt8(0x2c, at); // ","
    at += bytes.write(text, at);
  }
  at += bytes.write(tail, at);
  return bytes.subarray(0, at);
}

export function toPullResponse(page: PullPage): TPullResponse {
  return { token: page.token, changes: page.changes.map(toWireChange), more: page.more, server_time: page.server_time };
}
