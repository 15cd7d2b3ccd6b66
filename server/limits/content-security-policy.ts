// The console's Content-Security-Policy (proxy.ts sets it on every page). Scripts run only with
// this response's nonce ('strict-dynamic' lets them load the chunks they import): no
// 'unsafe-inline' for scripts or styles. Next reads the nonce from the request's CSP header and
// puts it on its own scripts and inline styles, which needs dynamic rendering (app/layout.tsx).
// Development adds 'unsafe-eval' (React's debugging uses eval; production never does).

export type CspOptions = { nonce: string; development: boolean; https: boolean };

export function contentSecurityPolicy({ nonce, development, https }: CspOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Only where the console is served over HTTPS: a plain-HTTP demo must keep loading its assets.
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** A fresh, unguessable nonce (128 random bits, base64). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64");
}
