// JSON answers of the mobile API, and which of them Next may compress. Next 16 gzips a route
// handler's answer whatever its size (it drops the handler's Content-Length, so its compression
// never sees a size below its threshold), at level 6 on the event loop: for a push answer that
// cost the server about a tenth of the push's CPU (bench, "Push"). A small answer therefore says
// `no-transform`, which Next's compression and proxies respect; a large one (a pull or bootstrap
// page) is left to be gzipped for clients that ask, as phones on a mobile network should.
// (Next also drops a handler's own Content-Encoding, so the route cannot gzip it itself.)

/** From this size an answer may be compressed; below it the saving is not worth the CPU. */
export const COMPRESS_FROM_BYTES = 32 * 1024;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(JSON.stringify(body), status, headers);
}

/** `json` for a body already serialised. */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}): Response {
  // Encoded once, here: given the text, Response encodes it again and Buffer.byteLength walks it
  // first, which cost ~3 ms of server CPU per pull page of 1,000 changes (a CPU profile, issue 21).
  return jsonBytes(Buffer.from(text, "utf8"), status, headers);
}

/** `json` for a body already serialised and encoded as UTF-8 (the pull page: server/sync/change-json.ts). */
export function jsonBytes(encoded: Buffer<ArrayBuffer>, status = 200, headers: Record<string, string> = {}): Response {
  const bytes = encoded.byteLength;
  return new Response(encoded, {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(bytes),
      "cache-control": bytes < COMPRESS_FROM_BYTES ? "no-store, no-transform" : "no-store",
      ...headers,
    },
  });
}
