// Console accounts of the e2e PostgreSQL server (scripts/e2e-console-db.ts creates them).
export const E2E_CONSOLE_PORT = Number(process.env.E2E_CONSOLE_PORT ?? 3101);
export const E2E_CONSOLE_DATABASE = `syncdesk_e2e_console_${E2E_CONSOLE_PORT}`;
export const E2E_PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export const E2E_STAFF = {
  viewer: { email: "viewer@e2e.test", password: "viewer-password-e2e" },
  support: { email: "support@e2e.test", password: "support-password-e2e" },
  operator: { email: "operator@e2e.test", password: "operator-password-e2e" },
  admin: { email: "admin@e2e.test", password: "admin-password-e2e" },
} as const;

export function consoleDatabaseUrl(): string {
  const url = new URL(E2E_PG_ADMIN_URL);
  url.pathname = `/${E2E_CONSOLE_DATABASE}`;
  return url.toString();
}
