// WEBHOOK_RETRY_SECONDS (server/env.ts): the delays between attempts; the default lasts about a day.
import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";

const base = { NODE_ENV: "test", DATA_DIR: "/tmp/syncdesk-env-test", SYNC_JWT_SECRET: "x".repeat(32), SYNC_TOKEN_SECRET: "y".repeat(32) };

describe("the webhook retry schedule", () => {
  it("defaults to 12 doubling delays from 20 s, about 23 hours in all", () => {
    const delays = parseEnv(base).WEBHOOK_RETRY_SECONDS;
    expect(delays).toHaveLength(12);
    expect(delays.slice(0, 3)).toEqual([20, 40, 80]);
    const hours = delays.reduce((a, b) => a + b, 0) / 3600;
    expect(hours).toBeGreaterThan(22);
    expect(hours).toBeLessThan(25);
  });

  it("takes comma-separated seconds and refuses anything else at start", () => {
    expect(parseEnv({ ...base, WEBHOOK_RETRY_SECONDS: "1, 2,30" }).WEBHOOK_RETRY_SECONDS).toEqual([1, 2, 30]);
    for (const bad of ["", "0", "1,,2", "-1", "1.5", "ten", Array(51).fill("1").join(",")]) {
      expect(() => parseEnv({ ...base, WEBHOOK_RETRY_SECONDS: bad }), bad).toThrow(/WEBHOOK_RETRY_SECONDS/);
    }
  });
});
