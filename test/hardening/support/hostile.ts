// Hostile values shared by the fuzzers: strings that break parsers, paths and databases, numbers
// at and past every boundary, oversize and deeply nested values, and Content-Range headers.
import fc from "fast-check";

/** Path tricks for ids and file names, percent-encoded where a raw form would leave the route. */
export const PATH_TRICKS = [
  "..", "../..", "../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e", "%2e%2e%2f%2e%2e", "..%2f..%2f",
  "%252e%252e%252f", "a/../../b", "./", "/", "//", "\\", "%5c..%5c", "..;/", "%00", "a%00b", "%c0%ae%c0%ae/",
  "....//....//", "~", "~root", "$(id)", "`id`", "${jndi:ldap://x}", "{{7*7}}", "<script>alert(1)</script>",
  "' OR '1'='1", "'; DROP TABLE records; --", "\"", "%", "%%", "CON", "nul", "aux.txt", ".git/config",
  "C:\\Windows\\System32", "file:///etc/passwd", "http://169.254.169.254/", " ", "\t", "\u202e", "\ufeff",
];

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const UUID = "00000000-0000-4000-8000-000000000000";

/** Cursors in the shapes the server issues (keyset "time|uuid", JSON tuples), with hostile parts. */
export const FORGED_CURSORS = [
  b64(`0001-01-01T00:00:00.000Z|${UUID}`), b64(`9999-12-31T23:59:59.999Z|${UUID}`), b64(`2026-02-30T00:00:00.000Z|${UUID}`),
  b64(`2026-01-01T00:00:00.000Z|${UUID}|x`), b64(`2026-01-01T00:00:00.000Z|${UUID}\u0000`), b64(`-000001-01-01T00:00:00.000Z|${UUID}`),
  b64(JSON.stringify(["2026-01-01T00:00:00.000Z", UUID, "user:a\u0000b"])), b64(JSON.stringify(["2026-01-01T00:00:00.000Z", UUID, "\ud800"])),
  b64(JSON.stringify(["2026-01-01T00:00:00.000Z", UUID, "x".repeat(5000)])), b64(JSON.stringify(["0000-01-01T00:00:00Z", UUID, "s"])),
  b64(JSON.stringify({ k: "b", s: "\u0000", o: -1 })), b64(JSON.stringify([1e308, -1, null])), b64("\u0000"), b64("{}"), b64("[]"),
];

/** Strings every text field should survive: control characters, odd Unicode, injection bait. */
export const HOSTILE_STRINGS = [
  ...PATH_TRICKS.map((p) => decodeURIComponentSafe(p)),
  "", "\u0000", "a\u0000b", "\ud800", "\udfff", "a\ud800b", "\u0001\u0002\u001f", "\r\n\r\nHTTP/1.1 200 OK",
  "😀".repeat(100), "\u0301".repeat(500), "ﷺ", "𝕏", "null", "undefined", "NaN", "-0", "1e999", "[]", "{}",
  "__proto__", "constructor", "prototype", "toString", "%s%s%s%n", "\\u0000", "\\", "'", "\"", "`",
  ...FORGED_CURSORS,
];

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Numbers at and past the edges of every integer and float range. */
export const BOUNDARY_NUMBERS = [
  -1, 0, -0, 0.5, 1.5, -1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 2 ** 64,
  Number.MAX_SAFE_INTEGER + 1, Number.MIN_SAFE_INTEGER - 1, 1e21, 1e308, -1e308, 5e-324, 10_001, 1_000_001,
];

/** Number-looking strings for query parameters and JSON numbers written as text. */
export const NUMBER_TEXTS = [
  "-1", "0", "-0", "1.5", "1e3", "1e999", "-1e999", "NaN", "Infinity", "-Infinity", "0x10", "0b1", "0o7", " 1", "1 ",
  "+1", "١", "1_000", "99999999999999999999", "9007199254740993", "", " ", "null", "true", "[1]", "1,2", "1;1",
];

export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
);

/** A string far past any field's limit: just over 8 KiB up to 300 KiB. */
export const hugeString = fc
  .tuple(fc.constantFrom(201, 4097, 8193, 70_000, 300_000), fc.constantFrom("x", "é", "😀", "\u0000", "%"))
  .map(([n, unit]) => unit.repeat(n));

/** Nesting `depth` levels of arrays or objects, built without recursion. */
export function nested(depth: number, kind: "array" | "object"): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

export const deepValue = fc
  .tuple(fc.constantFrom(8, 65, 200, 1000), fc.constantFrom("array", "object") as fc.Arbitrary<"array" | "object">)
  .map(([depth, kind]) => nested(depth, kind));

export const hugeArray = fc
  .tuple(fc.constantFrom(101, 501, 2001, 5001, 20_000), fc.constantFrom<unknown>(1, "x", {}, null, []))
  .map(([n, item]) => Array.from({ length: n }, () => item));

/** Values of every JSON type, for "wrong type" mutations. */
export const anyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, "", "x", [], {}, [null], { a: null }),
  fc.constantFrom(...BOUNDARY_NUMBERS),
  hostileString,
);

/** Content-Range headers an upload route must refuse or treat as a documented 4xx. */
export const CONTENT_RANGES = [
  "", "bytes", "bytes */*", "bytes 0-", "bytes -1-5/10", "bytes 5-1/10", "bytes 0-9/5", "bytes 0-99999999999999999999/*",
  "bytes 0-0/0", "bytes 1-1/1", "bytes 0-1/-1", "bytes 0-1/1e3", "bytes 0x0-0x1/2", "items 0-1/2", "bytes 0-1/2, bytes 2-3/4",
  "bytes=0-1", "bytes 0-9007199254740993/9007199254740994", "bytes\u00000-1/2", "bytes 0 - 1 / 2", "bytes 10-20/15",
];

export const contentRange = fc.oneof(
  fc.constantFrom(...CONTENT_RANGES),
  fc.tuple(fc.constantFrom(...BOUNDARY_NUMBERS), fc.constantFrom(...BOUNDARY_NUMBERS), fc.constantFrom(...BOUNDARY_NUMBERS, "*"))
    .map(([a, b, c]) => `bytes ${a}-${b}/${c}`),
);

/**
 * Number texts JSON.parse would change (overflow, underflow, lost digits): a body holding one
 * must be refused, never stored rounded (issue 19). Only writable as raw text.
 */
export const INEXACT_NUMBER_TEXTS = [
  "1e309", "-1e309", "1e-400", "-2e-999", "9007199254740993", "-9007199254740993", "123456789012345678901234567890",
  "0.1000000000000000000000001", "1.2345e-320", "1" + "0".repeat(400),
];

/** Values of an injected `__proto__` key: JSON.parse keeps it, every object copy drops it. */
export const PROTO_VALUES = ['{"admin":true}', "{}", "null", "1", '"x"', "[]", '{"__proto__":{"a":1}}'];

/** Content types a JSON route must refuse. */
export const WRONG_CONTENT_TYPES = [
  "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
  "text/json", "json", "application/jsonx", "application", "*/*", "application/octet-stream", "text/html; charset=utf-8",
];

/** Invalid UTF-8 byte sequences: lone continuation, overlong, encoded surrogate, truncated, 0xff. */
export const INVALID_UTF8: number[][] = [[0xff], [0xfe, 0xff], [0x80], [0xc0, 0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/** Authorization headers that name nobody. */
export const BAD_AUTHORIZATION = [
  "", "Bearer", "Bearer ", "bearer", "Basic YWxpY2U6cHc=", "Bearer a.b.c", "Bearer ..", "Bearer eyJhbGciOiJub25lIn0.e30.",
  "Bearer " + "a".repeat(9000), "Token x", "Bearer x y", "Bearer %00", "Bearer ../../etc/passwd",
];
