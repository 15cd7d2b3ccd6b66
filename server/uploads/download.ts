// Streaming a blob as an HTTP answer (device downloads and the console's preview): the whole blob
// (200) or one byte range (206 with Content-Range); an unsatisfiable range is 416.
import { AppError } from "../errors";
import { getBlobStore, withStorage } from "../storage/blob-store";
import type { BlobRow } from "./blob-access";
import { parseByteRange } from "./byte-range";

function disposition(filename: string, inline: boolean): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function blobResponse(blob: BlobRow, rangeHeader: string | null, options: { inline?: boolean } = {}): Promise<Response> {
  const size = Number(blob.size);
  const range = parseByteRange(rangeHeader, size);
  if (range.kind === "unsatisfiable") {
    throw new AppError("range_not_satisfiable", `The blob has ${size} bytes`, { offset: size, size });
  }
  const headers: Record<string, string> = {
    "content-type": blob.contentType,
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=3600",
    "content-disposition": disposition(blob.filename, options.inline ?? false),
    "x-content-type-options": "nosniff",
  };
  if (blob.sha256) headers.etag = `"${blob.sha256}"`;
  const store = getBlobStore();
  if (range.kind === "whole") {
    headers["content-length"] = String(size);
    // An empty blob has no bytes to read (and S3 refuses an empty range).
    const body = size === 0 ? null : await withStorage("read", () => store.read(blob.storageKey));
    return new Response(body, { status: 200, headers });
  }
  const { start, end } = range.range;
  headers["content-length"] = String(end - start + 1);
  headers["content-range"] = `bytes ${start}-${end}/${size}`;
  return new Response(await withStorage("read", () => store.read(blob.storageKey, range.range)), { status: 206, headers });
}
