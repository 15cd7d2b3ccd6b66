// End-to-end tests against a real production server: `npm start` (which builds when the build is
// missing or stale) on its own port, with a fresh embedded database and no demo data.
// api/ drives the mobile protocol over HTTP as a device would; console/ drives pages as a person.
import { defineConfig } from "@playwright/test";
import { consoleDatabaseUrl, E2E_CONSOLE_PORT } from "./e2e/support/accounts";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const dataDir = `.data/e2e/${port}`;

/** Fixed secrets of the local e2e server only, so specs can mint device tokens for it. */
export const E2E_SECRETS = {
  SYNC_JWT_SECRET: "e2e-only-jwt-secret-0123456789abcdef0123456789",
  SYNC_TOKEN_SECRET: "e2e-only-token-secret-0123456789abcdef01234567",
  AUTH_SECRET: "e2e-only-auth-secret-0123456789abcdef0123456789",
};

export const CONSOLE_URL = `http://localhost:${E2E_CONSOLE_PORT}`;

// Wiping in the command, not here: this file is also loaded by every worker while the server runs.
// DATABASE_URL is unset so a developer's shell can never point the suite at a real database.
const wipe = `unset DATABASE_URL; node -e "require('node:fs').rmSync('${dataDir}', { recursive: true, force: true })"`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 60_000,
  use: {
    baseURL,
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    },
  },
  projects: [
    { name: "api", testMatch: "api/**/*.spec.ts" },
    { name: "console", testMatch: "console/**/*.spec.ts", use: { baseURL: CONSOLE_URL } },
  ],
  webServer: [{
    command: `${wipe} && node scripts/start.mjs`,
    url: `${baseURL}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: "false",
      LOG_LEVEL: "warn",
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      ...E2E_SECRETS,
    },
  },
  // The console runs on PostgreSQL, the production engine, with one account per role. Playwright
  // starts web servers in order, so this one reuses the build the first one made.
  {
    command: `node --import tsx scripts/e2e-console-db.ts && node_modules/.bin/next start -p ${E2E_CONSOLE_PORT}`,
    url: `${CONSOLE_URL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      DATABASE_URL: consoleDatabaseUrl(),
      DATA_DIR: `.data/e2e/${E2E_CONSOLE_PORT}`,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_TRUST_HOST: "true",
      ...E2E_SECRETS,
    },
  }],
});
