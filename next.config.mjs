/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite and the pg driver load files at run time; keep them out of the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "pino"],
  poweredByHeader: false,
  typedRoutes: false,
  // Each route's code is loaded on its first request, not all of them at start: a sync server that
  // never serves the console does not keep the console's module graph in memory, and V8 sizes its
  // heap limit as a multiple of what stays live (bench/profiles/2026-12-05-memory.md).
  experimental: { preloadEntriesOnStart: false },
  // Security headers of every route (docs/deployment.md "Limits and abuse protection"); the
  // per-request CSP of pages is set by proxy.ts. HSTS only in production builds.
  async headers() {
    const production = process.env.NODE_ENV === "production";
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          ...(production ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
        ],
      },
    ];
  },
};

export default nextConfig;
