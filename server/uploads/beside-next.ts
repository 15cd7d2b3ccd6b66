// Chunk PUTs served beside Next (server/http/beside-next.ts; issue 21: uploads at >= 0.6 of the
// raw disk). Through Next an 8 MiB chunk's 128 pieces each passed Next's web-stream bridge and the
// Request's own stream, and the request its router: about half of a chunk's server time outside
// the disk and the hash (bench/profiles/2026-12-05-uploads.md). `PUT /api/v1/uploads/{id}` goes to
// the same handler as Next's route (chunk-handler.ts) with the request's Node stream as the body
// (chunk-body.ts).
import http from "node:http";
import { routeHeaders, webRequestOf, type BesideNextRoute } from "../http/beside-next";
import { withNodeBody } from "./chunk-body";
import { uploadChunkHandler } from "./chunk-handler";

/** The upload ids this path takes (the server makes them; anything else is Next's to answer). */
const CHUNK_PATH = /^\/api\/v1\/uploads\/([A-Za-z0-9_-]{1,100})(?:\?.*)?$/;

/** The upload id of a chunk PUT this path serves, else null. */
export function chunkPutId(method: string | undefined, url: string | undefined): string | null {
  if (method !== "PUT" || url === undefined) return null;
  return CHUNK_PATH.exec(url)?.[1] ?? null;
}

function webRequest(req: http.IncomingMessage, signal: AbortSignal): Request {
  // A refused chunk (too long, stalled) stops reading without destroying the socket: the answer
  // still reaches the client.
  return withNodeBody(webRequestOf(req, "PUT", signal), req);
}

/** Serves a chunk PUT; false (nothing done) when its request does not make a web Request. */
export function serveChunkPut(req: http.IncomingMessage, res: http.ServerResponse, id: string, production: boolean): boolean {
  const abort = new AbortController();
  let request: Request;
  try {
    request = webRequest(req, abort.signal);
  } catch {
    return false; // Next answers it, as any malformed request
  }
  res.once("close", () => abort.abort());
  void (async () => {
    const response = await uploadChunkHandler(request, { params: Promise.resolve({ id }) });
    const body = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = { ...routeHeaders(production), ...Object.fromEntries(response.headers) };
    // Bytes of a refused body still on the way: this connection cannot carry another request.
    if (!req.complete) headers.connection = "close";
    res.writeHead(response.status, headers).end(body);
  })().catch(() => res.destroy());
  return true;
}

/** The chunk route beside Next: PUT of an upload id the server could have made. */
export const chunkRoute: BesideNextRoute = (req, res, production) => {
  const id = chunkPutId(req.method, req.url);
  return id !== null && serveChunkPut(req, res, id, production);
};
