/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite and the pg driver load files at run time; keep them out of the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "pino"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
