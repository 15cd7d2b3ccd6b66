// Requests served beside Next, not through it: `next start`'s HTTP server hands a few routes
// straight to their route handler, where Next's per-request pipeline costs too much (live
// connections held for hours: server/live/beside-next.ts; 8 MiB upload chunks:
// server/uploads/beside-next.ts). The handler is the one Next's route uses (authentication, rate
// limit, checks, log line, error envelope); the answer gets the headers next.config.mjs gives
// every route. Installed once per process from instrumentation.ts; a request no route takes, or
// one that does not make a web Request, goes to Next as before.
import http from "node:http";
import { env } from "../env";
import { processSingleton } from "../process-singleton";

/** Serves `req` when it is this route's; false (nothing done) to leave it to Next. */
export type BesideNextRoute = (req: http.IncomingMessage, res: http.ServerResponse, production: boolean) => boolean;

declare module "../process-singleton" {
  interface ProcessSingletons {
    besideNext: { routes: BesideNextRoute[] | null };
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

/** The web Request of a Node request, without its body; throws on what cannot be one. */
export function webRequestOf(req: http.IncomingMessage, method: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    if (name !== undefined && value !== undefined) headers.append(name, value);
  }
  // Path and query only: a crafted Host header must not change what the handler parses.
  return new Request(new URL(req.url ?? "/", "http://localhost"), { method, headers, signal });
}

/** Routes the requests `routes` take, of every HTTP server in this process, beside Next (once). */
export function serveBesideNext(routes: BesideNextRoute[]): void {
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
