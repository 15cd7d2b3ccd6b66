// Fuzz cases for every mobile route of server/http/mobile-routes.ts. Each route's requests are
// derived from its own zod schemas (a sample the schema accepts, then mutated) plus raw hostile
// requests: bodies that are not UTF-8 or not JSON, wrong content types, duplicated keys, oversize
// and deeply nested bodies, hostile query strings, path tricks in ids, bad tokens and headers.
// Every case says whether the server must refuse it (the schema or the protocol rejects it) or
// may answer anything but a 5xx (a well-formed request carrying hostile values).
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { z } from "zod";
import type { MobileRoute } from "@/server/http/mobile-routes";
import { readsDeviceHeader } from "@/server/http/route-definition";
import { LIMITS } from "@syncdesk/protocol";
import { anyJsonValue, BAD_AUTHORIZATION, contentRange, INEXACT_NUMBER_TEXTS, INVALID_UTF8, PROTO_VALUES, WRONG_CONTENT_TYPES } from "./hostile";
import { deepJsonText, jsonSchemaOf, mutatedValue, sampleOf } from "./json-mutate";
import type { RawRequest } from "./raw-http";
import { seedFor, type FuzzIdentity, type RouteSeed } from "./route-seeds";
import { capQuery, hostileSegment, queryText, rawQueries, safeUtf8, toQueryPairs } from "./url-parts";

/** must-refuse: a documented 4xx. no-5xx: a well-formed request with hostile values. */
export type Expectation = "must-refuse" | "no-5xx";

export type FuzzCase = { route: string; label: string; request: RawRequest; expect: Expectation };

const BASE = "http://fuzz.invalid";
const bytes = (text: string) => new TextEncoder().encode(text);
const GOOD_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8"];

type Parts = { method: string; path: string; query: string; headers: Record<string, string>; body?: Uint8Array; label: string };

/** Decides the expectation of a request the way the protocol reads it. */
function expectationOf(route: MobileRoute, seed: RouteSeed, parts: Parts, seedBody: unknown, authBroken: boolean, inexact: boolean): Expectation | "discard" {
  if (authBroken) return "must-refuse";
  // Checked after the content type and size below (those refusals come first), before the schema.
  const inexactRefused = inexact && route.body && GOOD_CONTENT_TYPES.includes(parts.headers["content-type"] ?? "");
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
    if (inexactRefused || !route.body.safeParse(value).success) return "must-refuse";
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
    ...(readsDeviceHeader(route) ? { "x-device-id": identity.deviceId } : {}),
    ...(route.body ? { "content-type": "application/json" } : {}),
    ...extra,
  });
  const seedText = seedBody === undefined ? undefined : JSON.stringify(seedBody);
  const base = (label: string): Parts => ({
    method, path: validPath(), query: queryText(toQueryPairs(seedQuery)), headers: headers(), label,
    ...(seedText === undefined ? {} : { body: bytes(seedText) }),
  });

  const variants: fc.Arbitrary<{ parts: Parts; authBroken?: boolean; keepPath?: boolean; inexact?: boolean }>[] = [];
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
      // What JavaScript cannot hold as sent (issue 19): a number JSON.parse would round, in place
      // of one of the body's numbers, or a `__proto__` key; outside record data, so refused whole.
      fc.tuple(fc.constantFrom(...INEXACT_NUMBER_TEXTS), fc.nat(), fc.constantFrom(...PROTO_VALUES)).map(([number, pick, proto]) => {
        const numbers = [...text.matchAll(/(?<=[:[,])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[,\]}])/g)];
        const at = numbers[pick % Math.max(numbers.length, 1)];
        const body = at?.index === undefined
          ? text.replace(/^\{/, `{"__proto__":${proto},`)
          : text.slice(0, at.index) + number + text.slice(at.index + at[0].length);
        return { inexact: true, parts: { ...base(at ? `number ${number} in place of ${at[0]}` : `__proto__ key ${proto}`), body: bytes(body) } };
      }),
      fc.constantFrom(...PROTO_VALUES).map((proto) => ({
        inexact: true, parts: { ...base(`__proto__ key ${proto}`), body: bytes(text.replace(/^\{/, `{"__proto__":${proto},`)) },
      })),
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
  if (route.auth.kind !== "none") {
    const claimTokens = (identity.claimJwts ?? []).map((jwt) => `Bearer ${jwt}`);
    variants.push(fc.constantFrom(...BAD_AUTHORIZATION, ...claimTokens, null).map((auth) => {
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
    if (readsDeviceHeader(route)) parts.headers["x-device-id"] = deviceHeader;
    return { parts };
  }));

  return fc
    .tuple(fc.oneof(...variants), paramPath)
    .map(([{ parts, authBroken, keepPath, inexact }, path]) => ({ parts: { ...parts, query: capQuery(parts.query), ...(path && !keepPath ? { path } : {}) }, authBroken, inexact }))
    .map(({ parts, authBroken, inexact }) => ({ parts, expect: expectationOf(route, seed, parts, seedBody, authBroken === true, inexact === true) }))
    .filter((c): c is { parts: Parts; expect: Expectation } => c.expect !== "discard")
    .filter(({ parts, expect }) => expect === "must-refuse" || (seed.guard?.({ method: parts.method, target: parts.path, headers: parts.headers, body: parts.body }, identity) ?? true))
    .map(({ parts, expect }) => printable({
      route: route.id,
      label: parts.label,
      expect,
      request: {
        method: parts.method,
        target: parts.query ? `${parts.path}?${parts.query}` : parts.path,
        headers: parts.headers,
        ...(parts.body && (route.body || route.rawBody) ? { body: parts.body } : {}),
      },
    }));
}

/** A case as fast-check prints a counterexample: short, with the seed to replay it. */
export function printable<T extends FuzzCase>(c: T): T {
  const text = `${c.route} [${c.label}] ${c.request.method} ${c.request.target.slice(0, 160)} (${c.request.body?.byteLength ?? 0} body bytes, ${c.expect})`;
  return Object.assign(c, { [fc.toStringMethod]: () => text });
}

/** The route's sample from its schema with the seed's values on top; it must pass the schema. */
function seedValue(schema: z.ZodType, override: Record<string, unknown> | undefined): unknown {
  const value = override ?? sampleOf(jsonSchemaOf(schema), true);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`fuzz seed does not pass its schema: ${JSON.stringify(parsed.error.issues)}`);
  return value;
}
