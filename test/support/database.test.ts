import { describe, expect, it } from "vitest";
import { assertLocalDatabaseUrl, testDbEngine } from "./database";

describe("assertLocalDatabaseUrl", () => {
  it.each([
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://postgres@localhost/postgres",
    "postgresql://postgres@[::1]:5432/postgres",
    "postgresql:///postgres?host=/var/run/postgresql",
  ])("accepts the local server %s", (url) => {
    expect(() => assertLocalDatabaseUrl(url, {})).not.toThrow();
  });

  it.each([
    "postgresql://postgres@db.example.com:5432/postgres",
    "postgresql://postgres@10.0.0.5/postgres",
    "postgresql://postgres@127.0.0.1.example.com/postgres",
    "postgresql://postgres@127.0.0.1/postgres?host=prod-db.internal",
    "postgresql:///postgres",
  ])("refuses the remote server %s", (url) => {
    expect(() => assertLocalDatabaseUrl(url, {})).toThrow(/Refusing to run tests against non-local/);
  });

  it("rejects a malformed URL with a clear message", () => {
    expect(() => assertLocalDatabaseUrl("not a url", {})).toThrow(/not a valid URL/);
  });

  it("accepts a remote server only when TEST_ALLOW_REMOTE_DB=1", () => {
    const url = "postgresql://postgres@db.example.com/postgres";
    expect(() => assertLocalDatabaseUrl(url, { TEST_ALLOW_REMOTE_DB: "true" })).toThrow();
    expect(() => assertLocalDatabaseUrl(url, { TEST_ALLOW_REMOTE_DB: "1" })).not.toThrow();
  });
});

describe("testDbEngine", () => {
  it("defaults to pglite and rejects unknown engines", () => {
    expect(testDbEngine({})).toBe("pglite");
    expect(testDbEngine({ TEST_DB_ENGINE: "postgres" })).toBe("postgres");
    expect(() => testDbEngine({ TEST_DB_ENGINE: "mysql" })).toThrow(/must be "pglite" or "postgres"/);
  });
});
