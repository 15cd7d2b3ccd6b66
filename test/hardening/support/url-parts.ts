// Paths and query strings of hostile requests: path tricks as a single encoded segment, query
// strings from values or raw (duplicated keys, malformed encodings), capped below Node's limit.
import fc from "fast-check";
import { HOSTILE_STRINGS, NUMBER_TEXTS, PATH_TRICKS } from "./hostile";

export function segmentOf(trick: string): string {
  let decoded = trick;
  try {
    decoded = decodeURIComponent(trick);
  } catch {
    /* keep as is */
  }
  try {
    const encoded = encodeURIComponent(decoded);
    // A bare "." or ".." segment would leave the route after URL normalisation: keep it encoded.
    return staysInRoute(encoded);
  } catch {
    return "%EF%BF%BD"; // a lone surrogate cannot be percent-encoded as UTF-8
  }
}

/**
 * A segment the URL parser keeps: "", "." and ".." and their encodings (%2e, .%2E, ...) are dot
 * segments, removed by WHATWG URL (and so by Next) before any route runs, so they get a suffix.
 */
function staysInRoute(segment: string): string {
  return /^(?:\.|%2e){0,2}$/i.test(segment) ? `${segment}%2F` : segment;
}

export const hostileSegment = fc.oneof(
  fc.constantFrom(...PATH_TRICKS).map(segmentOf),
  // Only well-formed percent-encodings: Next answers a malformed one itself, before any route.
  fc.constantFrom("%252e%252e%252f", "%2e%2e%2F", "..%2f", "%2F", "%5C", "%00", "%E2%80%AE", "a".repeat(3000)),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.string({ maxLength: 40 }).map(segmentOf),
).map(staysInRoute);

export function queryText(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

export function toQueryPairs(value: unknown): [string, string][] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [["q", JSON.stringify(value) ?? ""]];
  return Object.entries(value).flatMap(([k, v]): [string, string][] =>
    Array.isArray(v) ? v.map((item): [string, string] => [k, typeof item === "string" ? item : JSON.stringify(item)])
      : [[k, typeof v === "string" ? v : JSON.stringify(v) ?? ""]]);
}

export const safeUtf8 = (text: string) => text.replace(/[\ud800-\udfff]/g, "\ufffd"); // what fetch/URL would send

/** Raw query strings that are not `key=value` pairs a client would build. */
export function rawQueries(seed: Record<string, string>): fc.Arbitrary<string> {
  const keys = Object.keys(seed);
  const key = fc.constantFrom(...(keys.length ? keys : ["token"]));
  const base = queryText(Object.entries(seed));
  return fc.oneof(
    fc.tuple(key, fc.constantFrom(...NUMBER_TEXTS, ...HOSTILE_STRINGS)).map(([k, v]) => `${base}&${encodeURIComponent(k)}=${encodeURIComponent(safeUtf8(v))}`),
    fc.tuple(key, fc.constantFrom("%zz", "%", "%%", "%E0%A4%A", "%00", "%FF%FE", "%C0%AF", "+", "&&&", "=", "==x", "#frag")).map(
      ([k, junk]) => `${base}&${encodeURIComponent(k)}=${junk.replace("#", "%23")}`,
    ),
    fc.constantFrom(`${base}&${base}`, `&${base}&`, `${base};limit=1`, "a[]=1&a[]=2", "__proto__[x]=1", "constructor=1", `${"x=1&".repeat(500)}`),
  );
}

/** Node (and Next) refuse request lines over 16 KiB with a bare 431 before any route runs. */
const MAX_QUERY = 7000;
export function capQuery(query: string): string {
  return query.length <= MAX_QUERY ? query : query.slice(0, MAX_QUERY).replace(/%[0-9A-Fa-f]?$/, "");
}

