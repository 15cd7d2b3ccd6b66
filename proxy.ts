// Next 16 Proxy: a fresh CSP nonce for every page (server/limits/content-security-policy.ts).
// The other security headers (nosniff, X-Frame-Options, Referrer-Policy, HSTS in production) are
// static and set for every route in next.config.mjs. API routes and static files are skipped:
// they are not documents and must stay cheap; the proxy sees them only when their path holds a
// percent sign (Next buffers the bodies of requests it proxies, so upload routes must stay out).
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, createNonce } from "./server/limits/content-security-policy";

/** Next answers a bare 500 when a path segment is not percent-encoded UTF-8: refuse it first. */
function refuseUndecodablePath(request: NextRequest): Response | null {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return null;
  } catch {
    const message = "The URL path is not valid percent-encoded UTF-8";
    if (!request.nextUrl.pathname.startsWith("/api/")) return new Response(message, { status: 400 });
    return NextResponse.json({ error: { code: "invalid_request", message } }, { status: 400, headers: { "cache-control": "no-store" } });
  }
}

export function proxy(request: NextRequest) {
  const refused = refuseUndecodablePath(request);
  if (refused) return refused;
  if (request.nextUrl.pathname.startsWith("/api/")) return NextResponse.next();
  const nonce = createNonce();
  const forwardedProto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const https = (forwardedProto ?? request.nextUrl.protocol.replace(/:$/, "")) === "https";
  // NODE_ENV here is Next's build mode (inlined), not run-time configuration.
  const policy = contentSecurityPolicy({ nonce, development: process.env.NODE_ENV === "development", https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    "/api/:path(.*%.*)",
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
