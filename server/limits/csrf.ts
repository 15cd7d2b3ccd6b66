// CSRF protection of console mutations (tRPC POSTs; queries are GETs and change nothing). A
// request is refused unless all of:
//   1. it carries `X-Syncdesk-Csrf: 1`: a page of another origin cannot set a custom header
//      without a CORS preflight, which this server never approves;
//   2. Sec-Fetch-Site, when the browser sends it, is `same-origin`;
//   3. Origin, when sent, names this server's own host (Host or X-Forwarded-Host).
// The session cookie alone is never enough. next-auth's own routes carry next-auth's CSRF token.
import { AppError } from "../errors";

export const CSRF_HEADER = "x-syncdesk-csrf";
export const CSRF_HEADER_VALUE = "1";

function ownHosts(request: Request): Set<string> {
  const hosts = new Set<string>();
  for (const name of ["host", "x-forwarded-host"]) {
    for (const value of (request.headers.get(name) ?? "").split(",")) if (value.trim()) hosts.add(value.trim().toLowerCase());
  }
  hosts.add(new URL(request.url).host.toLowerCase());
  return hosts;
}

/** Null when `request` may mutate; else the 403 to answer. */
export function crossSiteRefusal(request: Request): AppError | null {
  const refuse = (why: string) => new AppError("forbidden", `Cross-site request refused: ${why}`);
  // 1
  if (request.headers.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) return refuse(`the ${CSRF_HEADER} header is missing`);
  // 2
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return refuse(`Sec-Fetch-Site is ${site}`);
  // 3
  const origin = request.headers.get("origin");
  if (origin !== null) {
    let host: string | null = null;
    try {
      host = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      host = null;
    }
    if (host === null || !ownHosts(request).has(host)) return refuse("the Origin is not this server");
  }
  return null;
}
