// Three test tiers share this file (Playwright has its own config, e2e/). Unit tests sit beside the
// code; integration tests (`*.integration.test.ts`) live in test/<domain>/ (test/test-layout.test.ts
// keeps them there) and run twice, once per database engine, each test on a database of its own
// (test/support/database.ts). `npm test` runs them all (scripts/test.mjs).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const ignored = ["**/node_modules/**", "**/.next/**", "**/.data/**", "e2e/**"];
const integration = "**/*.integration.test.ts";
const PACKAGE_SOURCES = {
  "@syncdesk/protocol": "packages/protocol/src/index.ts",
  "@syncdesk/client": "packages/client/src/index.ts",
  "@syncdesk/client/sqlite": "packages/client/src/storage/sqlite.ts",
  "@syncdesk/client/expo-sqlite": "packages/client/src/storage/expo-sqlite.ts",
  "@syncdesk/client/op-sqlite": "packages/client/src/storage/op-sqlite.ts",
  "@syncdesk/client/react": "packages/client/src/react/index.ts",
};

export default defineConfig({
  // A regex, not "@": a plain "@" alias would also capture scoped packages such as @prisma/client.
  // The workspace packages are used from source, as tsconfig.json's `paths` say (their dist/ is
  // built only to be packed).
  resolve: {
    alias: [
      { find: /^@\//, replacement: root },
      ...Object.entries(PACKAGE_SOURCES).map(([name, file]) => ({ find: new RegExp(`^${name}$`), replacement: root + file })),
    ],
  },
  test: {
    // Two cores: one worker per core; each file still gets its own isolated module graph.
    maxWorkers: 2,
    setupFiles: ["test/support/setup-types.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["**/*.test.ts"], exclude: [...ignored, integration] },
      },
      ...(["pglite", "postgres"] as const).map((engine) => ({
        extends: true as const,
        test: {
          name: `integration-${engine}`,
          include: [integration],
          // The drills (disaster recovery, read replicas) run PostgreSQL's own tools (initdb,
          // pg_basebackup, WAL recovery, promotion): there is no PGlite counterpart to them.
          exclude: engine === "pglite" ? [...ignored, "test/ops/*-drill.integration.test.ts"] : ignored,
          env: { TEST_DB_ENGINE: engine },
          // One migrated database per run; each test copies it (test/support/database-template.ts).
          globalSetup: ["test/support/database-template.ts"],
          // Starting PGlite takes a second or two and migrating a database more; a slow CI
          // machine must not turn that into a flaky timeout.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      })),
    ],
  },
});
