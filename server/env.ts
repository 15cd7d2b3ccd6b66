// The only reader of process.env. Validated once, on first use (not at import, so `next build`
// can load route modules without secrets). Production on PostgreSQL refuses to start without real
// secrets; development and the embedded demo generate theirs under DATA_DIR (kept across restarts).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const secret = z.string().min(32, "must be at least 32 characters");
const optionalText = z.string().trim().min(1).optional();
/** A limit (server/limits): a whole number, where 0 or "off" disables it. */
const limit = (fallback: number) =>
  z.union([z.literal("off").transform(() => 0), z.coerce.number().int().min(0)]).default(fallback);

/** 20 s doubling: 20, 40, ... 40960 s; about 22.75 h from the first attempt to the last. */
const DEFAULT_WEBHOOK_RETRY_SECONDS = Array.from({ length: 12 }, (_, i) => 20 * 2 ** i).join(",");

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.url().optional(),
  /**
   * Hot standbys for reads (docs/deployment.md "Read replicas"): PostgreSQL URLs, comma separated.
   * Empty or unset: every read goes to DATABASE_URL.
   */
  DATABASE_READ_URLS: z.string().optional().transform((text, ctx) => {
    const urls = (text ?? "").split(",").map((part) => part.trim()).filter((part) => part.length > 0);
    const bad = urls.filter((url) => !/^postgres(ql)?:\/\/[^\s]+$/.test(url) || !URL.canParse(url));
    if (bad.length > 0 || urls.length > 16) {
      ctx.addIssue({ code: "custom", message: "must be 1 to 16 postgres:// or postgresql:// URLs, comma separated" });
      return z.NEVER;
    }
    return urls;
  }),
  /** How long a read waits for a lagging replica to replay what the primary has committed, then goes to the primary. */
  DATABASE_READ_WAIT_MS: z.coerce.number().int().min(0).max(5000).default(200),
  DATA_DIR: z.string().min(1).default(".data"),
  /** The app's types (INTEGRATION.md section 1): a .json, .ts or .mjs file. Unset: syncdesk.config.ts. */
  SYNCDESK_CONFIG: optionalText,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `auto`: readable lines when stdout is a terminal, JSON lines otherwise (pipes, containers). */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  /** Bearer token of GET /api/metrics. Unset: open in development and test, 404 in production. */
  METRICS_TOKEN: z.string().trim().min(16, "must be at least 16 characters").optional(),
  /** Seconds between heartbeat comments on live-update (SSE) connections. */
  LIVE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  SYNC_JWT_SECRET: secret.optional(),
  SYNC_JWKS_URL: z.url().optional(),
  SYNC_JWT_ISSUER: optionalText,
  SYNC_JWT_AUDIENCE: optionalText,
  SYNC_TOKEN_SECRET: secret.optional(),
  SYNC_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  SYNC_BOOTSTRAP_CURSOR_TTL_SECONDS: z.coerce.number().int().min(60).default(24 * 3600),
  SEED_DEMO_DATA: z.enum(["auto", "true", "false"]).default("auto"),
  AUTH_SECRET: secret.optional(),
  STAFF_SESSION_MAX_AGE_SECONDS: z.coerce.number().int().min(300).max(30 * 24 * 3600).default(8 * 3600),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_NAME: z.string().min(1).default("Single sign-on"),
  COMPACTION_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  COMPACTION_MAX_CHANGES_PER_STREAM: z.coerce.number().int().min(1).default(1_000_000),
  /** Unset: the retention window. A device that has not acked for this long stops holding back. */
  COMPACTION_MAX_DEVICE_HOLD_DAYS: z.coerce.number().int().min(1).optional(),
  COMPACTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  BATCH_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  JOBS_ENABLED: z.enum(["true", "false"]).default("true"),
  /**
   * Webhook retries (docs/backend.md "Webhooks"): the delays in seconds between attempts, comma
   * separated. The default doubles from 20 s and lasts about 23 h over 13 attempts.
   */
  WEBHOOK_RETRY_SECONDS: z.string().default(DEFAULT_WEBHOOK_RETRY_SECONDS).transform((text, ctx) => {
    const delays = text.split(",").map((part) => part.trim());
    if (delays.length > 50 || delays.some((d) => !/^\d{1,7}$/.test(d) || Number(d) < 1)) {
      ctx.addIssue({ code: "custom", message: "must be 1 to 50 whole numbers of seconds (at least 1), comma separated" });
      return z.NEVER;
    }
    return delays.map(Number);
  }),
  /** How long a receiver may take to answer one webhook request before the attempt counts as failed. */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
  /** Unset: webhooks are delivered where jobs run (JOBS_ENABLED). "true"/"false" decides on its own. */
  WEBHOOKS_ENABLED: z.enum(["true", "false"]).optional(),
  /** Webhook requests in flight at once per instance (different endpoints or streams). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Hot statements prepared once per connection; "false" behind PgBouncer transaction pooling before 1.21. */
  DATABASE_PREPARED_STATEMENTS: z.enum(["true", "false"]).default("true"),
  /** Where blobs live: `file` (under DATA_DIR/blobs; several instances need a shared volume) or `s3`. */
  STORAGE_DRIVER: z.enum(["file", "s3"]).default("file"),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: optionalText,
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false"),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(5 * 2 ** 30),
  /** Largest chunk one PUT may carry (and the S3 part size); at least 5 MiB. */
  UPLOAD_CHUNK_BYTES: z.coerce.number().int().min(5 * 2 ** 20).max(512 * 2 ** 20).default(8 * 2 ** 20),
  UPLOAD_TTL_HOURS: z.coerce.number().int().min(1).max(30 * 24).default(24),
  /** Abuse limits (docs/deployment.md "Limits and abuse protection"). */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_DEVICE_REQUESTS: limit(600),
  RATE_LIMIT_USER_REQUESTS: limit(1200),
  REQUEST_BODY_TIMEOUT_SECONDS: limit(30),
  DB_STATEMENT_TIMEOUT_SECONDS: limit(30),
  /** Bundle writes (pushes) doing their work at once per instance; the others wait as bytes (server/limits/write-gate.ts). */
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LIVE_MAX_CONNECTIONS_PER_DEVICE: limit(3),
  LIVE_MAX_CONNECTIONS_PER_USER: limit(20),
  LOGIN_MAX_FAILURES: limit(10),
  LOGIN_MAX_FAILURES_PER_IP: limit(50),
  LOGIN_SLOWDOWN_AFTER: z.coerce.number().int().min(0).default(3),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
});

export type Env = z.infer<typeof ZEnv> & {
  syncTokenSecret: string;
  authSecret: string;
  databaseKind: "postgres" | "pglite";
};

const ZDevSecrets = z.object({ SYNC_JWT_SECRET: secret, SYNC_TOKEN_SECRET: secret, AUTH_SECRET: secret.optional() });
type DevSecrets = z.infer<typeof ZDevSecrets>;

function loadDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, "dev-secrets.json");
  if (existsSync(file)) {
    let stored: unknown;
    try {
      stored = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      stored = undefined;
    }
    const parsed = ZDevSecrets.safeParse(stored);
    if (parsed.success) return parsed.data;
    throw new Error(`${file} is damaged: delete it to generate new development secrets (device tokens will change)`);
  }
  const secrets = {
    SYNC_JWT_SECRET: randomBytes(32).toString("hex"),
    SYNC_TOKEN_SECRET: randomBytes(32).toString("hex"),
    AUTH_SECRET: randomBytes(32).toString("hex"),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Under NODE_ENV=test (vitest) request rate limits are off unless set: suites drive one user far
 * faster than a phone would. Tests of the limits set them explicitly.
 */
function withTestDefaults(source: Record<string, string | undefined>): Record<string, string | undefined> {
  if (source.NODE_ENV !== "test") return source;
  return { RATE_LIMIT_DEVICE_REQUESTS: "off", RATE_LIMIT_USER_REQUESTS: "off", ...source };
}

/** Parses an environment. Pure apart from development secrets written under DATA_DIR. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = ZEnv.safeParse(withTestDefaults(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if (env.DATABASE_READ_URLS.length > 0 && !env.DATABASE_URL) {
    // The embedded database is one process's own files: nothing can replicate it.
    throw new Error("Invalid configuration:\n  DATABASE_READ_URLS: needs DATABASE_URL (the embedded database has no replicas)");
  }
  // A production deployment runs on PostgreSQL. The embedded database is the one-command demo,
  // so `npm start` on a fresh clone may use generated secrets there.
  const production = env.NODE_ENV === "production" && env.DATABASE_URL !== undefined;
  let jwtSecret = env.SYNC_JWT_SECRET;
  let tokenSecret = env.SYNC_TOKEN_SECRET;
  let authSecret = env.AUTH_SECRET;
  if (production) {
    const missing = [];
    if (!jwtSecret && !env.SYNC_JWKS_URL) missing.push("SYNC_JWT_SECRET or SYNC_JWKS_URL");
    if (!tokenSecret) missing.push("SYNC_TOKEN_SECRET");
    if (!authSecret) missing.push("AUTH_SECRET");
    if (missing.length > 0) {
      throw new Error(`Refusing to start in production without secrets: set ${missing.join(", ")}`);
    }
  } else if (!tokenSecret || !authSecret || (!jwtSecret && !env.SYNC_JWKS_URL)) {
    const dev = loadDevSecrets(env.DATA_DIR);
    tokenSecret ??= dev.SYNC_TOKEN_SECRET;
    // Secrets files written before the console existed lack AUTH_SECRET: derive a stable one.
    authSecret ??= dev.AUTH_SECRET ?? `${dev.SYNC_TOKEN_SECRET}:console`;
    if (!env.SYNC_JWKS_URL) jwtSecret ??= dev.SYNC_JWT_SECRET;
  }
  return {
    ...env,
    SYNC_JWT_SECRET: jwtSecret,
    syncTokenSecret: tokenSecret as string,
    authSecret: authSecret as string,
    databaseKind: env.DATABASE_URL ? "postgres" : "pglite",
  };
}

let cached: Env | undefined;

/** The validated configuration of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
