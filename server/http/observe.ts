// One wrapper around every mobile route handler: a request id (`X-Request-Id` honoured when sane,
// else generated, and echoed on the answer), one structured log line, and the HTTP metrics. Logs
// carry the route template, never a body, a token or a query string (it may hold a sync token).
import { randomUUID } from "node:crypto";
import { logger } from "../log";
import { wasAborted } from "./aborted";
import { recordHttpRequest } from "../metrics/registry";

type NextContext = { params: Promise<Record<string, string | string[]>> };
type Handler = (request: Request, context?: NextContext) => Promise<Response>;

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id")?.trim();
  return given && SANE_ID.test(given) ? given : randomUUID();
}

/** The route as declared: each path parameter's value replaced by `{name}` (bounded label values). */
async function routeTemplate(request: Request, context: NextContext | undefined): Promise<string> {
  const params = (context ? await context.params : undefined) ?? {};
  const segments = new URL(request.url).pathname.split("/");
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      const at = segments.findIndex((s) => s !== "" && decodeURIComponent(s) === v);
      if (at >= 0) segments[at] = `{${name}}`;
    }
  }
  return segments.join("/") || "/";
}

export function observe(handler: Handler): Handler {
  return async (request, context) => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    const response = await handler(request, context);
    response.headers.set("x-request-id", requestId);
    const route = await routeTemplate(request, context).catch(() => "unknown");
    const ms = performance.now() - started;
    const bytes = Number(response.headers.get("content-length") ?? 0);
    recordHttpRequest({ route, method: request.method, status: response.status, seconds: ms / 1000, bytes });
    const line = { req_id: requestId, method: request.method, route, status: response.status, ms: Math.round(ms * 10) / 10, bytes };
    // A client gone mid-body is the client's doing: an info line, not an error (aborted.ts).
    if (wasAborted(request)) logger.info({ ...line, aborted: true }, "request aborted");
    else if (response.status >= 500) logger.error(line, "request");
    else logger.info(line, "request");
    return response;
  };
}
