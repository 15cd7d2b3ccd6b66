import { describe, expect, it } from "vitest";
import { formatLogLine } from "./log-pretty";

describe("formatLogLine", () => {
  it("turns a pino JSON line into time, level, message and key=value fields", () => {
    const line = JSON.stringify({ level: 40, time: "2026-12-04T15:01:02.345Z", service: "syncdesk", msg: "slow push", ms: 812, route: "/sync/push", err: { code: "x" } });
    expect(formatLogLine(line, false)).toBe('15:01:02.345 WARN  slow push ms=812 route=/sync/push err={"code":"x"}');
    expect(formatLogLine(line, true)).toContain("\u001b[33mWARN \u001b[0m");
  });

  it("passes anything that is not a JSON object through unchanged", () => {
    expect(formatLogLine("plain text", false)).toBe("plain text");
    expect(formatLogLine("[1,2]", false)).toBe("[1,2]");
  });
});
