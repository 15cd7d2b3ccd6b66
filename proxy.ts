// Next 16 Proxy: a fresh CSP nonce for every page (server/limits/content-security-policy.ts).
// The other security headers (nosniff, X-Frame-Options, Referrer-Policy, HSTS in production) are
// static and set for every route in next.config.mjs. API routes and static files are skipped:
// they are not documents and must stay cheap.
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, createNonce } from "./server/limits/content-security-policy";

export function proxy(request: NextRequest) {
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
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
