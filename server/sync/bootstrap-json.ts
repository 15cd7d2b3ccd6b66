// A bootstrap page on the wire (PROTOCOL.md "Bootstrap"). PostgreSQL writes the records' JSON
// (snapshot-read.ts), with each stored document as it prints it; the page is that text with the
// answer's other fields around it, never parsed and serialised again. In-process callers get
// objects (`toBootstrapResponse`).
import type { TBootstrapResponse } from "@syncdesk/protocol";

/** A bootstrap page: each record as its JSON text, the answer's other fields ready. */
export type BootstrapPage = Omit<TBootstrapResponse, "items"> & { items: string[] };

// One array of the records' texts joined once: a page of 5,000 is one ~2 MiB string, not 5,000
// intermediate ones concatenated into each other.
const itemsJson = (page: BootstrapPage): string => `[${page.items.join(",")}]`;

/** The page's answer as JSON text (what `JSON.stringify(toBootstrapResponse(page))` means). */
export function bootstrapPageJson(page: BootstrapPage): string {
  return `{"items":${itemsJson(page)},"cursor":${JSON.stringify(page.cursor)},"more":${page.more},` +
    `"token":${JSON.stringify(page.token)},"server_time":${JSON.stringify(page.server_time)}}`;
}

export function toBootstrapResponse(page: BootstrapPage): TBootstrapResponse {
  const items = JSON.parse(itemsJson(page)) as TBootstrapResponse["items"];
  return { items, cursor: page.cursor, more: page.more, token: page.token, server_time: page.server_time };
}
