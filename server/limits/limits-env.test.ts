// The limits' settings in server/env.ts: defaults, "off" and 0, and the test-mode default.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { loginThrottleConfig } from "./login-throttle";
import { rateLimitConfig } from "./rate-limit";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "syncdesk-limits-env-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const parse = (values: Record<string, string>) => parseEnv({ NODE_ENV: "development", DATA_DIR: dataDir, ...values });

describe("limit settings", () => {
  it("default to limits a phone never reaches", () => {
    const config = parse({});
    expect(rateLimitConfig(config)).toEqual({ windowSeconds: 60, perDevice: 600, perUser: 1200 });
    expect(config.REQUEST_BODY_TIMEOUT_SECONDS).toBe(30);
    expect(config.DB_STATEMENT_TIMEOUT_SECONDS).toBe(30);
    expect(config.LIVE_MAX_CONNECTIONS_PER_DEVICE).toBe(3);
    expect(config.LIVE_MAX_CONNECTIONS_PER_USER).toBe(20);
    expect(loginThrottleConfig(config)).toEqual({ maxFailures: 10, maxFailuresPerIp: 50, slowdownAfter: 3, lockSeconds: 900 });
  });

  it("take 'off' and 0 as no limit", () => {
    const config = parse({ RATE_LIMIT_DEVICE_REQUESTS: "off", RATE_LIMIT_USER_REQUESTS: "0", LIVE_MAX_CONNECTIONS_PER_DEVICE: "off" });
    expect(rateLimitConfig(config)).toMatchObject({ perDevice: 0, perUser: 0 });
    expect(config.LIVE_MAX_CONNECTIONS_PER_DEVICE).toBe(0);
  });

  it("turn request rate limits off under NODE_ENV=test unless they are set", () => {
    expect(rateLimitConfig(parse({ NODE_ENV: "test" }))).toMatchObject({ perDevice: 0, perUser: 0 });
    expect(rateLimitConfig(parse({ NODE_ENV: "test", RATE_LIMIT_DEVICE_REQUESTS: "5" }))).toMatchObject({ perDevice: 5, perUser: 0 });
  });

  it("refuse nonsense with a message naming the variable", () => {
    expect(() => parse({ RATE_LIMIT_USER_REQUESTS: "lots" })).toThrow(/RATE_LIMIT_USER_REQUESTS/);
    expect(() => parse({ RATE_LIMIT_WINDOW_SECONDS: "0" })).toThrow(/RATE_LIMIT_WINDOW_SECONDS/);
    expect(() => parse({ LOGIN_MAX_FAILURES: "-1" })).toThrow(/LOGIN_MAX_FAILURES/);
  });
});
