// What every refusal must look like: PROTOCOL.md's envelope {"error": {code, message, details?}}
// with a code whose status is the HTTP status, and nothing internal in it.
import { expect } from "vitest";
import { ERROR_CODES, type ErrorCode } from "@/server/errors";
import type { Expectation } from "./mobile-fuzz";
import type { RawAnswer } from "./raw-http";

/** Text that would betray internals: stack frames, paths, SQL, driver and library names. */
export const LEAK = /\bat \S+ \(|\bat .+:\d+:\d+|node_modules|\/work\/|\/src\/|\.ts\b|prisma|postgres|pglite|SELECT |INSERT |UPDATE |syntax error|TypeError|ReferenceError|RangeError|undefined is not|Cannot read prop|jose|JWS|JWT(?:Claim|Invalid|Expired)|ZodError|stack/i;

export function expectEnvelope(answer: RawAnswer, where: string): { code: string; message: string } {
  const body = answer.json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  expect(body, `${where}: ${answer.status} is not JSON: ${answer.text.slice(0, 200)}`).toBeTypeOf("object");
  expect(Object.keys(body ?? {}), where).toEqual(["error"]);
  const error = body?.error ?? {};
  expect(Object.keys(error).filter((k) => !["code", "message", "details"].includes(k)), where).toEqual([]);
  expect(typeof error.code, where).toBe("string");
  expect(typeof error.message, where).toBe("string");
  if (error.details !== undefined) expect(typeof error.details, where).toBe("object");
  expect(String(answer.headers["content-type"]), where).toMatch(/^application\/json/);
  return { code: String(error.code), message: String(error.message) };
}

/** Checks one answer of a mobile route against the case's expectation and the route's codes. */
export function checkAnswer(
  answer: RawAnswer, expectation: Expectation, documented: Set<ErrorCode>, where: string, authenticated: boolean, tus = false,
): void {
  expect(answer.status, `${where}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  if (expectation === "must-refuse") expect(answer.status, `${where} must be refused: ${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  if (answer.status < 400) return;
  if (tus) {
    // tus keeps its own statuses (412 version, 423 locked, 460 checksum) and HEAD has no body.
    if (answer.text) expect(expectEnvelope(answer, where).message, `${where}: the message leaks`).not.toMatch(LEAK);
    return;
  }
  const { code, message } = expectEnvelope(answer, where);
  const allowed = new Set<string>([...documented, ...(authenticated ? ["rate_limited"] : [])]);
  expect(allowed, `${where}: code ${code} is not documented for the route`).toContain(code);
  expect(ERROR_CODES[code as ErrorCode]?.status, `${where}: ${code} answered with ${answer.status}`).toBe(answer.status);
  expect(message, `${where}: the message leaks`).not.toMatch(LEAK);
  expect(answer.text.length, `${where}: a refusal of ${answer.text.length} bytes`).toBeLessThan(64 * 1024);
}
