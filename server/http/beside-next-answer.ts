// A route handler's web Response written to Node's response the way `next start` writes it
// (next/dist/server/send-response.js, router-server.js): the headers next.config.mjs gives every
// route, then the handler's, and Next's own compression, so that an answer beside Next is the one
// Next would have sent (json-response.ts decides which answers Next may gzip). The body is written
// as it is read, waiting for the socket when it is full.
import type http from "node:http";
import compression from "next/dist/compiled/compression";
import { releaseCompressionStream } from "next/dist/server/lib/release-compression-stream";
import { routeHeaders } from "./beside-next";

const compress = compression();

function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

/** Writes `response` to `res` as Next would; stops when the client goes. */
export async function writeAnswer(req: http.IncomingMessage, res: http.ServerResponse, response: Response, production: boolean): Promise<void> {
  const headers: Record<string, string> = { ...routeHeaders(production), ...Object.fromEntries(response.headers) };
  // Bytes of a refused body still on the way: this connection cannot carry another request.
  if (!req.complete) headers.connection = "close";
  compress(req, res, () => {});
  // As Next does: a zlib stream the client left open would outlive the response (its native handle).
  res.once("close", () => {
    if (!res.writableFinished) releaseCompressionStream(res);
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.once("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await drained(res);
  }
  res.end();
}
