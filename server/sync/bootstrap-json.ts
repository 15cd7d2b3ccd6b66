// A bootstrap page on the wire (PROTOCOL.md "Bootstrap"). PostgreSQL writes the records' JSON
// (snapshot-read.ts), with each stored document as it prints it; the page is that text with the
// answer's other fields around it, never parsed and serialised again. In-process callers get
// objects (`toBootstrapResponse`).
import type { TBootstrapResponse } from "@syncdesk/protocol";
import type { RecordTexts } from "./record-texts";

/** A bootstrap page: its records' JSON texts (`items.length` of them), the answer's other fields ready. */
export type BootstrapPage = Omit<TBootstrapResponse, "items"> & { items: RecordTexts };

/** The page's answer as JSON text (what `JSON.stringify(toBootstrapResponse(page))` means). */
export function bootstrapPageJson(page: BootstrapPage): string {
  // One flat string, items first as the answer's key order has them (record-texts.ts says why).
  return page.items.joined('{"items":[', `],"cursor":${JSON.stringify(page.cursor)},"more":${page.more},` +
    `"token":${JSON.stringify(page.token)},"server_time":${JSON.stringify(page.server_time)}}`);
}

export function toBootstrapResponse(page: BootstrapPage): TBootstrapResponse {
  const items = JSON.parse(page.items.joined("[", "]")) as TBootstrapResponse["items"];
  return { items, cursor: page.cursor, more: page.more, token: page.token, server_time: page.server_time };
}
