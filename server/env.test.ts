import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const SECRET_A = "a".repeat(32);
const SECRET_B = "b".repeat(32);
const SECRET_C = "c".repeat(32);
const PG_URL = "postgresql://postgres@127.0.0.1:5432/syncdesk";

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "syncdesk-env-"));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe("production on PostgreSQL", () => {
  const bare = () => ({ NODE_ENV: "production", DATABASE_URL: PG_URL, DATA_DIR: dataDir });
  const production = () => ({ ...bare(), AUTH_SECRET: SECRET_C });

  it("refuses to start without any secret, naming each one, and writes nothing", () => {
    expect(() => parseEnv(bare())).toThrow(
      "Refusing to start in production without secrets: set SYNC_JWT_SECRET or SYNC_JWKS_URL, SYNC_TOKEN_SECRET, AUTH_SECRET",
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("refuses to start without AUTH_SECRET for console sessions", () => {
    expect(() => parseEnv({ ...bare(), SYNC_JWT_SECRET: SECRET_A, SYNC_TOKEN_SECRET: SECRET_B })).toThrow(
      /without secrets: set AUTH_SECRET$/,
    );
  });

  it("refuses to start without SYNC_TOKEN_SECRET", () => {
    expect(() => parseEnv({ ...production(), SYNC_JWT_SECRET: SECRET_A })).toThrow(
      /without secrets: set SYNC_TOKEN_SECRET$/,
    );
  });

  it("refuses to start without a way to verify device tokens", () => {
    expect(() => parseEnv({ ...production(), SYNC_TOKEN_SECRET: SECRET_A })).toThrow(
      /without secrets: set SYNC_JWT_SECRET or SYNC_JWKS_URL$/,
    );
  });

  it("refuses secrets shorter than 32 characters", () => {
    expect(() =>
      parseEnv({ ...production(), SYNC_JWT_SECRET: "short", SYNC_TOKEN_SECRET: SECRET_A }),
    ).toThrow(/SYNC_JWT_SECRET: must be at least 32 characters/);
  });

  it("starts with a JWT secret and a token secret, using exactly those", () => {
    const env = parseEnv({ ...production(), SYNC_JWT_SECRET: SECRET_A, SYNC_TOKEN_SECRET: SECRET_B });
    expect(env.SYNC_JWT_SECRET).toBe(SECRET_A);
    expect(env.syncTokenSecret).toBe(SECRET_B);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("starts with a JWKS URL instead of a JWT secret, and invents no JWT secret", () => {
    const env = parseEnv({
      ...production(),
      SYNC_JWKS_URL: "https://auth.example.com/.well-known/jwks.json",
      SYNC_TOKEN_SECRET: SECRET_B,
    });
    expect(env.SYNC_JWT_SECRET).toBeUndefined();
    expect(env.SYNC_JWKS_URL).toBe("https://auth.example.com/.well-known/jwks.json");
    expect(env.syncTokenSecret).toBe(SECRET_B);
  });
});

describe("development secrets", () => {
  const secretsFile = () => path.join(dataDir, "dev-secrets.json");

  it("are generated under DATA_DIR, readable by the owner only", () => {
    const env = parseEnv({ NODE_ENV: "development", DATA_DIR: dataDir });

    expect(env.SYNC_JWT_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(env.syncTokenSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(env.SYNC_JWT_SECRET).not.toBe(env.syncTokenSecret);
    expect(JSON.parse(readFileSync(secretsFile(), "utf8"))).toEqual({
      SYNC_JWT_SECRET: env.SYNC_JWT_SECRET,
      SYNC_TOKEN_SECRET: env.syncTokenSecret,
      AUTH_SECRET: env.authSecret,
    });
    expect(statSync(secretsFile()).mode & 0o077).toBe(0);
  });

  it("are reused on the next start, so issued tokens stay valid", () => {
    const first = parseEnv({ NODE_ENV: "development", DATA_DIR: dataDir });
    const second = parseEnv({ NODE_ENV: "development", DATA_DIR: dataDir });
    expect(second.SYNC_JWT_SECRET).toBe(first.SYNC_JWT_SECRET);
    expect(second.syncTokenSecret).toBe(first.syncTokenSecret);
  });

  it("differ between data directories", () => {
    const other = mkdtempSync(path.join(tmpdir(), "syncdesk-env-"));
    try {
      const a = parseEnv({ NODE_ENV: "development", DATA_DIR: dataDir });
      const b = parseEnv({ NODE_ENV: "development", DATA_DIR: other });
      expect(b.syncTokenSecret).not.toBe(a.syncTokenSecret);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("are not generated when real secrets are configured", () => {
    const env = parseEnv({ DATA_DIR: dataDir, SYNC_JWT_SECRET: SECRET_A, SYNC_TOKEN_SECRET: SECRET_B, AUTH_SECRET: SECRET_C });
    expect(env.SYNC_JWT_SECRET).toBe(SECRET_A);
    expect(env.syncTokenSecret).toBe(SECRET_B);
    expect(env.authSecret).toBe(SECRET_C);
    expect(existsSync(secretsFile())).toBe(false);
  });

  it("are used by the embedded demo even in production mode (no DATABASE_URL)", () => {
    const env = parseEnv({ NODE_ENV: "production", DATA_DIR: dataDir });
    expect(env.databaseKind).toBe("pglite");
    expect(env.syncTokenSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(secretsFile())).toBe(true);
  });
});

describe("PORT", () => {
  it("defaults to 3000 and honours a valid value", () => {
    expect(parseEnv({ DATA_DIR: dataDir }).PORT).toBe(3000);
    expect(parseEnv({ DATA_DIR: dataDir, PORT: "8080" }).PORT).toBe(8080);
  });

  it.each(["abc", "0", "65536", "80.5", "-1"])("rejects %s with a message naming PORT", (port) => {
    expect(() => parseEnv({ DATA_DIR: dataDir, PORT: port })).toThrow(/^Invalid configuration:\n {2}PORT: /);
  });
});

describe("databaseKind", () => {
  it("is postgres when DATABASE_URL is set and pglite otherwise", () => {
    expect(parseEnv({ DATA_DIR: dataDir, DATABASE_URL: PG_URL }).databaseKind).toBe("postgres");
    expect(parseEnv({ DATA_DIR: dataDir }).databaseKind).toBe("pglite");
  });

  it("rejects a DATABASE_URL that is not a URL", () => {
    expect(() => parseEnv({ DATA_DIR: dataDir, DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL: /);
  });
});

describe("DATABASE_READ_URLS", () => {
  const base = () => ({ DATA_DIR: dataDir, DATABASE_URL: PG_URL });

  it("is a list of postgres URLs, comma separated, blanks ignored; empty without it", () => {
    const env = parseEnv({ ...base(), DATABASE_READ_URLS: " postgresql://r1:5432/s , postgres://r2/s,," });
    expect(env.DATABASE_READ_URLS).toEqual(["postgresql://r1:5432/s", "postgres://r2/s"]);
    expect(parseEnv(base()).DATABASE_READ_URLS).toEqual([]);
    expect(parseEnv(base()).DATABASE_READ_WAIT_MS).toBe(200);
  });

  it("refuses anything but postgres URLs", () => {
    for (const bad of ["mysql://r1/s", "r1:5432", "postgresql://r1/s, http://r2"]) {
      expect(() => parseEnv({ ...base(), DATABASE_READ_URLS: bad })).toThrow("DATABASE_READ_URLS: must be 1 to 16 postgres://");
    }
  });

  it("is refused with the embedded database", () => {
    expect(() => parseEnv({ DATA_DIR: dataDir, DATABASE_READ_URLS: "postgresql://r1/s" })).toThrow("needs DATABASE_URL");
  });
});
