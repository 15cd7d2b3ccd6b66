// Live-update connections served beside Next, not through it. Next keeps a request's whole
// pipeline alive while its response streams (its request and work stores, an incremental cache,
// a dozen suspended frames): about 75 KB of heap per open connection in a snapshot with 2,000
// open, so 10,000 connections took 1.7 GiB (bench, "Live"). A live connection lasts hours, so
// `next start`'s HTTP server hands `GET /api/v1/sync/events` straight to the same route handler
// (events-handler.ts: authentication, rate limit, checks, log line, error envelope) and its
// answer is written to the socket here, with the headers next.config.mjs gives every route.
// Installed once per process from instrumentation.ts; anything unusual goes to Next as before.
import http from "node:http";
import { env } from "../env";
import { processSingleton } from "../process-singleton";
import { liveConnectionOf } from "./connection";
import { eventsHandler } from "./events-handler";

const PATH = "/api/v1/sync/events";

declare module "../process-singleton" {
  interface ProcessSingletons {
    liveBesideNext: { installed: boolean };
  }
}

/** The headers next.config.mjs sets on every route (a test keeps the two equal). */
export function routeHeaders(production: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    ...(production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** Whether a request is a live connection this path serves: a GET of exactly the events path. */
export function isLiveRequest(method: string | undefined, url: string | undefined): boolean {
  return method === "GET" && url !== undefined && (url === PATH || url.startsWith(`${PATH}?`));
}

function webRequest(req: http.IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  // Path and query only: a crafted Host header must not change what the handler parses.
  return new Request(new URL(req.url ?? "/", "http://localhost"), { headers, signal });
}

/** Writes `response` to `res`, waiting for the socket when it is full; stops when the client goes. */
async function writeResponse(response: Response, res: http.ServerResponse, production: boolean): Promise<void> {
  res.writeHead(response.status, { ...routeHeaders(production), ...Object.fromEntries(response.headers) });
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const live = liveConnectionOf(response.body);
  if (live) {
    // What was enqueued is queued (nobody else reads): take it, then write straight to the socket,
    // before another turn of the event loop can enqueue more. No stream between the connection
    // and its socket: a poke to 10,000 connections is 10,000 writes, not 10,000 stream reads.
    for (let n = live.enqueued; n > 0; n--) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.on("drain", () => live.pulled());
    live.redirect({
      enqueue: (chunk) => void res.write(chunk),
      get desiredSize() {
        return res.writableNeedDrain || res.destroyed ? 0 : 1;
      },
      close: () => void res.end(),
    });
    return;
  }
  res.once("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await new Promise((resolve) => (res.once("drain", resolve), res.once("close", resolve)));
  }
  res.end();
}

/** Serves a live connection; false (nothing done) when its request does not make a web Request. */
export function serveLive(req: http.IncomingMessage, res: http.ServerResponse, production: boolean): boolean {
  const abort = new AbortController();
  let request: Request;
  try {
    request = webRequest(req, abort.signal);
  } catch {
    return false; // Next answers it, as any malformed request
  }
  res.once("close", () => abort.abort());
  eventsHandler(request).then((response) => writeResponse(response, res, production)).catch(() => res.destroy());
  return true;
}

/** Routes live connections of every HTTP server in this process beside Next (once). */
export function serveLiveBesideNext(): void {
  const production = env().NODE_ENV === "production";
  const state = processSingleton("liveBesideNext", () => ({ installed: false }));
  if (state.installed) return;
  state.installed = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitBesideNext(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    const [req, res] = args;
    const live = event === "request" && req instanceof http.IncomingMessage && res instanceof http.ServerResponse && isLiveRequest(req.method, req.url);
    if (live && serveLive(req, res, production)) return true;
    return Reflect.apply(emit, this, [event, ...args]) === true;
  };
}
