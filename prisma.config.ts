// Prisma CLI configuration. The CLI is used offline for `prisma generate` only; the app connects
// through driver adapters (server/db/client.ts) and migrates with its own migrator.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/syncdesk" },
});
