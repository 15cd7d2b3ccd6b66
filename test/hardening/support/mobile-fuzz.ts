// Fuzz cases for every mobile route of server/http/mobile-routes.ts. Each route's requests are
// derived from its own zod schemas (a sample the schema accepts, then mutated) plus raw hostile
// requests: bodies that are not UTF-8 or not JSON, wrong content types, duplicated keys, oversize
// and deeply nested bodies, hostile query strings, path tricks in ids, bad tokens and headers.
// Every case says whether the server must refuse it (the schema or the protocol rejects it) or
// may answer anything but a 5xx (a well-formed request carrying hostile values).
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { z } from "zod";
import type { MobileRoute } from "@/server/http/mobile-routes";
import { LIMITS } from "@/server/sync/schemas";
import {
  anyJsonValue, BAD_AUTHORIZATION, BOUNDARY_NUMBERS, contentRange, HOSTILE_STRINGS, INVALID_UTF8, NUMBER_TEXTS, PATH_TRICKS, WRONG_CONTENT_TYPES,
} from "./hostile";
import { deepJsonText, jsonSchemaOf, mutatedValue, sampleOf } from "./json-mutate";
import type { RawRequest } from "./raw-http";

export type FuzzIdentity = {
  userId: string;
  deviceId: string;
  jwt: string;
  /** Ids of things the fuzz user owns (e.g. `uploadId`, an upload with nothing received yet). */
  fixtures: Record<string, string>;
};

/** must-refuse: a documented 4xx. no-5xx: a well-formed request with hostile values. */
export type Expectation = "must-refuse" | "no-5xx";

export type FuzzCase = { route: string; label: string; request: RawRequest; expect: Expectation };

/**
 * What a route's sample needs beyond its schema, so that a well-formed request still changes
 * nothing: the fuzz device's own id, tokens and ids that name nothing. `writer` routes change
 * state when a request is well formed, so only requests they must refuse are sent to them.
 */
export type RouteSeed = {
  body?: (id: FuzzIdentity) => Record<string, unknown>;
  query?: (id: FuzzIdentity) => Record<string, string>;
  /** Fields a well-formed request must keep as seeded (e.g. another device_id registers a device). */
  pinned?: string[];
  writer?: boolean;
  /** Path parameter values of well-formed requests (default: a random UUID, naming nothing). */
  params?: (id: FuzzIdentity) => fc.Arbitrary<string>;
  /** Hostile headers of a route whose input is headers (tus). */
  headers?: () => fc.Arbitrary<Record<string, string>>;
  /** False for a request that would change state although hostile (it is not sent). */
  guard?: (request: RawRequest, id: FuzzIdentity) => boolean;
};

const FAKE_TOKEN = "v1.eyJmdXp6Ijp0cnVlfQ.c2lnbmF0dXJl";

export const ROUTE_SEEDS: Record<string, RouteSeed> = {
  bootstrap: { body: (id) => ({ device_id: id.deviceId, types: ["memo"], cursor: "fuzz-cursor", limit: 10 }), pinned: ["device_id"] },
  pull: { body: () => ({ token: FAKE_TOKEN, limit: 10 }) },
  pullGet: { query: () => ({ token: FAKE_TOKEN, limit: "10" }) },
  push: { body: (id) => ({ device_id: id.deviceId, bundle_id: 1, mode: "atomic", items: [{ type: "memo", action: "create", data: { content: "x", tags: [], pinned: false } }] }), writer: true },
  ack: { body: (id) => ({ device_id: id.deviceId, token: FAKE_TOKEN }), pinned: ["device_id"] },
  verify: { body: (id) => ({ device_id: id.deviceId, types: ["memo"], items: [{ type: "memo", id: "fuzz", checksum: `sha256:${"0".repeat(64)}` }], limit: 10 }), pinned: ["device_id"] },
  checksums: { query: () => ({ types: "memo,meter", limit: "10" }) },
  fetch: { body: () => ({ items: [{ type: "memo", id: "fuzz" }] }) },
  digest: { query: () => ({ types: "memo" }) },
  events: { query: () => ({ token: FAKE_TOKEN }) },
  listConflicts: { query: () => ({ status: "all", limit: "5" }) },
  resolveConflict: { body: () => ({ resolution: "accept_server" }) },
  watermelonPull: { query: () => ({ last_pulled_at: "null", schema_version: "1", migration: "null" }) },
  watermelonPush: { query: () => ({ last_pulled_at: "1" }), body: () => ({ memos: { created: [], updated: [], deleted: ["fuzz"] } }), writer: true },
  createUpload: { body: () => ({ filename: "fuzz.txt", size: 10, content_type: "text/plain" }), writer: true },
  uploadStatus: { params: uploadIds },
  uploadChunk: {
    params: uploadIds,
    // A chunk at the fuzz upload's offset (0) would be stored, bytes of an interrupted one too.
    guard: (request, id) => !(request.target.includes(id.fixtures.uploadId ?? "?") && /^bytes 0+-\d{1,15}\/\d{1,15}$/.test(request.headers["content-range"]?.trim() ?? "")),
  },
  completeUpload: { params: uploadIds, body: () => ({ sha256: `sha256:${"a".repeat(64)}` }) },
  presignMedia: { body: () => ({ filename: "fuzz.jpg", content_type: "image/jpeg", size: 10 }), writer: true },
  mediaPut: {
    params: () => fc.constantFrom("b_AAAAAAAAAAAAAAAAAAAAAA", "b_fuzzfuzzfuzzfuzzfuzzf"),
    query: () => ({ expires: String(Math.floor(Date.now() / 1000) + 600), sig: "forged-signature" }),
  },
  downloadBlob: { params: () => fc.constantFrom("b_AAAAAAAAAAAAAAAAAAAAAA", "b_fuzzfuzzfuzzfuzzfuzzf") },
  // tus: hostile tus headers; a create is sent only when its Upload-Length is not a usable size.
  tusCreate: { headers: tusHeaders, guard: (request) => !/^\d{1,12}$/.test(request.headers["upload-length"] ?? "") || request.headers["tus-resumable"] !== "1.0.0" },
  tusHead: { headers: tusHeaders },
  tusPatch: { headers: tusHeaders },
  tusDelete: { headers: tusHeaders },
};

/** tus request headers, some right, most hostile (filenames with path tricks in Upload-Metadata). */
function tusHeaders(): fc.Arbitrary<Record<string, string>> {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return fc.record({
    "tus-resumable": fc.constantFrom("1.0.0", "0.2.2", "", "1.0.0, 1.0.0", "x"),
    "upload-length": fc.oneof(fc.constantFrom(...NUMBER_TEXTS), fc.constantFrom(...BOUNDARY_NUMBERS).map(String)),
    "upload-offset": fc.oneof(fc.constantFrom(...NUMBER_TEXTS), fc.constantFrom(...BOUNDARY_NUMBERS).map(String)),
    "upload-metadata": fc.oneof(
      fc.constantFrom(...PATH_TRICKS).map((name) => `filename ${b64(name)},filetype ${b64("../../x")}`),
      fc.constantFrom("filename", "filename !!!notbase64", "a b c", ",,,", "filename " + "A".repeat(6000), `attach_type ${b64("memo")},attach_id ${b64("../m1")},attach_field ${b64("__proto__")}`),
    ),
    "content-type": fc.constantFrom("application/offset+octet-stream", "application/json", "text/plain"),
    "upload-checksum": fc.constantFrom("sha1 AAAA", "md5 !!!", "sha256 " + b64("x")),
  }, { requiredKeys: [] });
}

function uploadIds(id: FuzzIdentity): fc.Arbitrary<string> {
  return fc.oneof(fc.constant(id.fixtures.uploadId ?? randomUUID()), fc.uuid());
}

/** Whether the route's handler exists yet (a route may be listed before its file lands). */
export function hasHandler(route: MobileRoute): boolean {
  const file = path.join(process.cwd(), "app", route.path.replace(/^\//, "").replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
  if (!existsSync(file)) return false;
  return new RegExp(`\\b${route.method.toUpperCase()}\\b`).test(readFileSync(file, "utf8"));
}

/** Routes no request can change or break: no input, no authentication. */
export const INPUTLESS_ROUTES = new Set(["health", "tusOptions"]);

/** tus answers with tus statuses (412, 423, 460...) and bodiless HEADs; bodies are still envelopes. */
export const isTus = (route: MobileRoute) => route.path.startsWith("/api/v1/tus");

const BASE = "http://fuzz.invalid";
const bytes = (text: string) => new TextEncoder().encode(text);
const GOOD_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8"];

function segmentOf(trick: string): string {
  let decoded = trick;
  try {
    decoded = decodeURIComponent(trick);
  } catch {
    /* keep as is */
  }
  try {
    const encoded = encodeURIComponent(decoded);
    // A bare "." or ".." segment would leave the route after URL normalisation: keep it encoded.
    return encoded === "." || encoded === ".." || encoded === "" ? encoded.replace(/\./g, "%2E") || "%20" : encoded;
  } catch {
    return "%EF%BF%BD"; // a lone surrogate cannot be percent-encoded as UTF-8
  }
}

const hostileSegment = fc.oneof(
  fc.constantFrom(...PATH_TRICKS).map(segmentOf),
  // Only well-formed percent-encodings: Next answers a malformed one itself, before any route.
  fc.constantFrom("%252e%252e%252f", "%2e%2e", "..%2f", "%2F", "%5C", "%00", "%E2%80%AE", "a".repeat(3000)),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.string({ maxLength: 40 }).map(segmentOf),
);

function queryText(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

function toQueryPairs(value: unknown): [string, string][] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [["q", JSON.stringify(value) ?? ""]];
  return Object.entries(value).flatMap(([k, v]): [string, string][] =>
    Array.isArray(v) ? v.map((item): [string, string] => [k, typeof item === "string" ? item : JSON.stringify(item)])
      : [[k, typeof v === "string" ? v : JSON.stringify(v) ?? ""]]);
}

const safeUtf8 = (text: string) => text.replace(/[\ud800-\udfff]/g, "\ufffd"); // what fetch/URL would send

/** Raw query strings that are not `key=value` pairs a client would build. */
function rawQueries(seed: Record<string, string>): fc.Arbitrary<string> {
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

type Parts = { method: string; path: string; query: string; headers: Record<string, string>; body?: Uint8Array; label: string };

/** Decides the expectation of a request the way the protocol reads it. */
function expectationOf(route: MobileRoute, seed: RouteSeed, parts: Parts, seedBody: unknown, authBroken: boolean): Expectation | "discard" {
  if (authBroken) return "must-refuse";
  if (route.body) {
    const type = parts.headers["content-type"];
    if (!type || !GOOD_CONTENT_TYPES.includes(type)) return "must-refuse";
    const body = parts.body ?? new Uint8Array();
    if (body.byteLength > LIMITS.maxBodyBytes) return "must-refuse";
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
      return "must-refuse";
    }
    if (!route.body.safeParse(value).success) return "must-refuse";
    for (const field of seed.pinned ?? []) {
      const given = (value as Record<string, unknown>)[field];
      const seeded = (seedBody as Record<string, unknown>)[field];
      if (typeof given === "string" && typeof seeded === "string" && given.trim() !== seeded.trim()) return "discard";
    }
  }
  if (route.query) {
    const search = Object.fromEntries(new URL(`${parts.path}?${parts.query}`, BASE).searchParams);
    if (!route.query.safeParse(search).success) return "must-refuse";
  }
  return seed.writer ? "discard" : "no-5xx";
}

/** All fuzz cases of one JSON route. */
export function routeCases(route: MobileRoute, identity: FuzzIdentity): fc.Arbitrary<FuzzCase> {
  const seed = seedFor(route);
  const method = route.method.toUpperCase();
  const seedBody = route.body ? seedValue(route.body, seed.body?.(identity)) : undefined;
  const seedQuery = route.query ? (seedValue(route.query, seed.query?.(identity)) as Record<string, string>) : {};
  const hasParams = /\{\w+\}/.test(route.path);
  const validPath = () => route.path.replace(/\{\w+\}/g, () => randomUUID());
  const paramPath = seed.params ? seed.params(identity).map((value) => route.path.replace(/\{\w+\}/g, value)) : fc.constant(null);
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${identity.jwt}`,
    ...(route.deviceHeader ? { "x-device-id": identity.deviceId } : {}),
    ...(route.body ? { "content-type": "application/json" } : {}),
    ...extra,
  });
  const seedText = seedBody === undefined ? undefined : JSON.stringify(seedBody);
  const base = (label: string): Parts => ({
    method, path: validPath(), query: queryText(toQueryPairs(seedQuery)), headers: headers(), label,
    ...(seedText === undefined ? {} : { body: bytes(seedText) }),
  });

  const variants: fc.Arbitrary<{ parts: Parts; authBroken?: boolean; keepPath?: boolean }>[] = [];
  if (route.rawBody) {
    variants.push(
      fc.tuple(fc.uint8Array({ maxLength: 4096 }), contentRange, fc.constantFrom("application/octet-stream", "application/json", "", "text/plain")).map(([body, range, type]) => {
        const parts = { ...base(`raw body ${body.byteLength} bytes, content-range ${JSON.stringify(range)}`), body };
        parts.headers["content-range"] = range.replace(/\u0000/g, "");
        if (type) parts.headers["content-type"] = type;
        return { parts };
      }),
      fc.tuple(fc.constantFrom(0, 1, 10, 11, 5 * 1024 * 1024 + 1), fc.constantFrom(...["bytes 0-9/10", "bytes 1-10/10", "bytes 5-9/10", "bytes 10-19/20", "bytes 0-0/1"])).map(([size, range]) => {
        const parts = { ...base(`${size} bytes for ${range}`), body: new Uint8Array(size) };
        parts.headers["content-range"] = range;
        parts.headers["content-type"] = "application/octet-stream";
        return { parts };
      }),
    );
  }
  if (route.body && seedText !== undefined) {
    const text = seedText;
    variants.push(
      mutatedValue(seedBody).map(({ value, label }) => ({ parts: { ...base(`body: ${label}`), body: bytes(JSON.stringify(value) ?? "") } })),
      mutatedValue(seedBody).map(({ value, label }) => ({ parts: { ...base(`body: ${label}`), body: bytes(JSON.stringify(value) ?? "") } })),
      fc.constantFrom(...WRONG_CONTENT_TYPES, "").map((type) => {
        const parts = base(`content-type ${JSON.stringify(type)}`);
        if (type) parts.headers["content-type"] = type;
        else delete parts.headers["content-type"];
        return { parts };
      }),
      fc.tuple(fc.nat(text.length), fc.constantFrom(...INVALID_UTF8)).map(([at, bad]) => ({
        parts: { ...base(`invalid UTF-8 ${bad.join(",")} at ${at}`), body: new Uint8Array([...bytes(text.slice(0, at)), ...bad, ...bytes(text.slice(at))]) },
      })),
      fc.tuple(fc.nat(text.length), fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\ud800")).map(([at, ch]) => ({
        parts: { ...base(`raw control character at ${at}`), body: bytes(text.slice(0, at) + ch + text.slice(at)) },
      })),
      fc.nat(Math.max(text.length - 1, 0)).map((at) => ({ parts: { ...base(`truncated at ${at}`), body: bytes(text.slice(0, at)) } })),
      fc.tuple(fc.constantFrom(...Object.keys(seedBody as object), "extra"), anyJsonValue, fc.boolean()).map(([key, value, first]) => {
        const dup = `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`;
        const body = first ? text.replace(/^\{/, `{${dup},`) : text.replace(/\}$/, `,${dup}}`);
        return { parts: { ...base(`duplicated key ${key} (${first ? "first" : "last"})`), body: bytes(body) } };
      }),
      fc.constantFrom("", "null", "[]", "0", '""', "true", "{}", "[{}]", "\ufeff" + text, `${text}${text}`, `${text} trailing`, "{'a':1}", "{\"a\":1,}", "NaN").map(
        (body) => ({ parts: { ...base(`body ${JSON.stringify(body.slice(0, 20))}`), body: bytes(body) } }),
      ),
      fc.constantFrom(1, 1000, 100_000).map((extra) => ({
        parts: { ...base(`oversize body (+${extra} bytes)`), body: bytes(text.replace(/\}$/, `${" ".repeat(LIMITS.maxBodyBytes - text.length + extra)}}`)) },
      })),
      fc.tuple(fc.constantFrom(...Object.keys(seedBody as object)), fc.constantFrom(65, 5000, 200_000)).map(([key, depth]) => ({
        parts: { ...base(`${key} nested ${depth} deep`), body: bytes(text.replace(/^\{/, `{${JSON.stringify(key)}:${deepJsonText(depth)},`)) },
      })),
    );
  }
  if (route.query) {
    variants.push(
      mutatedValue(seedQuery).map(({ value, label }) => ({ parts: { ...base(`query: ${label}`), query: queryText(toQueryPairs(value).map(([k, v]) => [safeUtf8(k), safeUtf8(v.slice(0, 6000))])) } })),
      rawQueries(seedQuery).map((query) => ({ parts: { ...base(`raw query ${query.slice(0, 40)}`), query } })),
    );
  }
  if (seed.headers) {
    variants.push(fc.tuple(seed.headers(), fc.uint8Array({ maxLength: 64 })).map(([extra, body]) => ({
      parts: { ...base(`headers ${JSON.stringify(extra).slice(0, 120)}`), headers: headers(extra), ...(route.rawBody ? { body } : {}) },
    })));
  }
  if (hasParams) {
    variants.push(hostileSegment.map((segment) => ({ keepPath: true, parts: { ...base(`path id ${segment.slice(0, 40)}`), path: route.path.replace(/\{\w+\}/g, segment) } })));
  }
  if (route.auth) {
    variants.push(fc.constantFrom(...BAD_AUTHORIZATION, null).map((auth) => {
      const parts = base(`authorization ${JSON.stringify(auth?.slice(0, 30))}`);
      if (auth === null) delete parts.headers.authorization;
      else parts.headers.authorization = auth;
      return { parts, authBroken: true };
    }));
  }
  variants.push(fc.tuple(contentRange, fc.constantFrom("a".repeat(201), " ", "\t")).map(([range, deviceHeader]) => {
    const parts = base(`content-range ${JSON.stringify(range)}, x-device-id ${deviceHeader.length} chars`);
    // node refuses to send a NUL in a header; the parser below it would too.
    parts.headers["content-range"] = range.replace(/\u0000/g, "");
    if (route.deviceHeader) parts.headers["x-device-id"] = deviceHeader;
    return { parts };
  }));

  return fc
    .tuple(fc.oneof(...variants), paramPath)
    .map(([{ parts, authBroken, keepPath }, path]) => (path && !keepPath ? { parts: { ...parts, path }, authBroken } : { parts, authBroken }))
    .map(({ parts, authBroken }) => ({ parts, expect: expectationOf(route, seed, parts, seedBody, authBroken === true) }))
    .filter((c): c is { parts: Parts; expect: Expectation } => c.expect !== "discard")
    .filter(({ parts }) => seed.guard?.({ method: parts.method, target: parts.path, headers: parts.headers }, identity) ?? true)
    .map(({ parts, expect }) => printable({
      route: route.id,
      label: parts.label,
      expect,
      request: {
        method: parts.method,
        target: parts.query ? `${parts.path}?${capQuery(parts.query)}` : parts.path,
        headers: parts.headers,
        ...(parts.body && (route.body || route.rawBody) ? { body: parts.body } : {}),
      },
    }));
}

/** Node (and Next) refuse request lines over 16 KiB with a bare 431 before any route runs. */
const MAX_QUERY = 7000;
function capQuery(query: string): string {
  return query.length <= MAX_QUERY ? query : query.slice(0, MAX_QUERY).replace(/%[0-9A-Fa-f]?$/, "");
}

/** A case as fast-check prints a counterexample: short, with the seed to replay it. */
export function printable<T extends FuzzCase>(c: T): T {
  const text = `${c.route} [${c.label}] ${c.request.method} ${c.request.target.slice(0, 160)} (${c.request.body?.byteLength ?? 0} body bytes, ${c.expect})`;
  return Object.assign(c, { [fc.toStringMethod]: () => text });
}

/**
 * The route's seed: its entry in ROUTE_SEEDS, or for a route added later without one, its schema's
 * sample treated as a writer (only requests it must refuse are sent). A route with neither a JSON
 * body nor a query schema has nothing to derive from and needs an entry (coverage test).
 */
export function seedFor(route: MobileRoute): RouteSeed {
  const seed = ROUTE_SEEDS[route.id];
  if (seed) return seed;
  if (route.body || route.query || route.rawBody) return { writer: true };
  throw new Error(`route ${route.id} has no fuzz seed: add one to ROUTE_SEEDS in test/hardening/support/mobile-fuzz.ts`);
}

/** The route's sample from its schema with the seed's values on top; it must pass the schema. */
function seedValue(schema: z.ZodType, override: Record<string, unknown> | undefined): unknown {
  const value = override ?? sampleOf(jsonSchemaOf(schema), true);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`fuzz seed does not pass its schema: ${JSON.stringify(parsed.error.issues)}`);
  return value;
}
