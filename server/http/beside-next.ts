// Requests served beside Next, not through it: `next start`'s HTTP server hands the routes listed
// in beside-next-routes.ts straight to their route handler, where Next's per-request pipeline
// costs too much: live connections held for hours (server/live/beside-next.ts), 8 MiB upload
// chunks (server/uploads/beside-next.ts), and the hot sync routes (pull, push, bootstrap, ack:
// beside-next-handler.ts), where Next's router, adapters and web streams were ~1.2 ms of an empty
// pull's ~3 ms (bench/profiles/2026-12-06-sync-beside-next.md). The handler is the one Next's
// route uses (authentication, rate limit, checks, log line, metrics, error envelope); the answer
// gets the headers next.config.mjs gives every route and, for the sync routes, Next's compression
// (beside-next-answer.ts). Installed once per process from instrumentation.ts; a request no route
// takes, or one that does not make a web Request, goes to Next as before, and Next keeps serving
// every one of these paths itself under `next dev`.
import http from "node:http";
import { env } from "../env";
import { processSingleton } from "../process-singleton";

/** Serves `req` when it is this route's; false (nothing done) to leave it to Next. */
export type BesideNextRoute = (req: http.IncomingMessage, res: http.ServerResponse, production: boolean) => boolean;

declare module "../process-singleton" {
  interface ProcessSingletons {
    besideNext: { routes: readonly BesideNextRoute[] | null };
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

/** The web Request of a Node request, with `body` if given; throws on what cannot be one. */
export function webRequestOf(req: http.IncomingMessage, method: string, signal: AbortSignal, body?: ReadableStream<Uint8Array>): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  // A stream body is sent as it is read (`duplex`, which the DOM's RequestInit does not declare).
  const init: RequestInit & { duplex?: "half" } = body ? { method, headers, signal, body, duplex: "half" } : { method, headers, signal };
  // Path and query only: a crafted Host header must not change what the handler parses.
  return new Request(new URL(req.url ?? "/", "http://localhost"), init);
}

/** Routes the requests `routes` take, of every HTTP server in this process, beside Next (once). */
export function serveBesideNext(routes: readonly BesideNextRoute[]): void {
  const state = processSingleton("besideNext", () => ({ routes: null }));
  if (state.routes) return;
  state.routes = routes;
  const production = env().NODE_ENV === "production";
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitBesideNext(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    const [req, res] = args;
    if (event === "request" && req instanceof http.IncomingMessage && res instanceof http.ServerResponse) {
      if (routes.some((route) => route(req, res, production))) return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) === true;
  };
}
