// Chunk PUTs served beside Next, not through it (issue 21: uploads at >= 0.6 of the raw disk).
// Through Next an 8 MiB chunk's 128 pieces each passed Next's web-stream bridge and the Request's
// own stream, and the request its router: about half of a chunk's server time outside the disk
// and the hash (bench/profiles/2026-12-05-uploads.md). `next start`'s HTTP server hands
// `PUT /api/v1/uploads/{id}` to the same route handler as Next's route (chunk-handler.ts:
// authentication, rate limit, checks, log line, error envelope) with the request's Node stream as
// the body (chunk-body.ts), and writes the answer with the headers next.config.mjs gives every
// route. Installed once per process from instrumentation.ts; anything unusual goes to Next.
import http from "node:http";
import { env } from "../env";
import { routeHeaders } from "../live/beside-next";
import { processSingleton } from "../process-singleton";
import { withNodeBody } from "./chunk-body";
import { uploadChunkHandler } from "./chunk-handler";

/** The upload ids this path takes (the server makes them; anything else is Next's to answer). */
const CHUNK_PATH = /^\/api\/v1\/uploads\/([A-Za-z0-9_-]{1,100})(?:\?.*)?$/;

declare module "../process-singleton" {
  interface ProcessSingletons {
    uploadsBesideNext: { installed: boolean };
  }
}

/** The upload id of a chunk PUT this path serves, else null. */
export function chunkPutId(method: string | undefined, url: string | undefined): string | null {
  if (method !== "PUT" || url === undefined) return null;
  return CHUNK_PATH.exec(url)?.[1] ?? null;
}

function webRequest(req: http.IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  // Path and query only: a crafted Host header must not change what the handler parses.
  const request = new Request(new URL(req.url ?? "/", "http://localhost"), { method: "PUT", headers, signal });
  // A refused chunk (too long, stalled) stops reading without destroying the socket: the answer
  // still reaches the client.
  return withNodeBody(request, req.iterator({ destroyOnReturn: false }));
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

/** Routes chunk PUTs of every HTTP server in this process beside Next (once). */
export function serveChunksBesideNext(): void {
  const production = env().NODE_ENV === "production";
  const state = processSingleton("uploadsBesideNext", () => ({ installed: false }));
  if (state.installed) return;
  state.installed = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitBesideNext(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    const [req, res] = args;
    if (event === "request" && req instanceof http.IncomingMessage && res instanceof http.ServerResponse) {
      const id = chunkPutId(req.method, req.url);
      if (id !== null && serveChunkPut(req, res, id, production)) return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) === true;
  };
}
