// Fuzz cases for every console procedure: its input schema's sample mutated (fields dropped, added,
// of the wrong type, boundary numbers, huge and deeply nested values, hostile text), and raw hostile
// requests: bodies that are not JSON or not UTF-8, wrong content types, the wrong method, hostile
// superjson metadata, batches, path tricks in the procedure name, missing CSRF header or session.
import fc from "fast-check";
import { acceptedSample, deepJsonText, mutatedValue } from "./json-mutate";
import { INEXACT_NUMBER_TEXTS, INVALID_UTF8, PATH_TRICKS, PROTO_VALUES, WRONG_CONTENT_TYPES } from "./hostile";
import type { Expectation } from "./mobile-fuzz";
import type { ProcedureInfo } from "./trpc-procedures";

export type TrpcCase = {
  procedure: string;
  label: string;
  expect: Expectation;
  method: "GET" | "POST";
  /** Path after /api/trpc/ and the query string, as sent. */
  path: string;
  search: string;
  body?: Uint8Array;
  contentType?: string;
  csrf: boolean;
  persona: "admin" | "viewer" | "nobody";
};

const bytes = (text: string) => new TextEncoder().encode(text);

function sampleInput(procedure: ProcedureInfo): unknown {
  return procedure.input ? acceptedSample(procedure.input) : undefined;
}

/** The expectation of a well-formed call with `input`: refused unless the schema accepts it. */
function expectationFor(procedure: ProcedureInfo, input: unknown): Expectation | "discard" {
  const accepted = procedure.input ? procedure.input.safeParse(input).success : true;
  if (!accepted) return "must-refuse";
  // A mutation with an acceptable input would do its work: only refused ones are sent.
  return procedure.type === "mutation" ? "discard" : "no-5xx";
}

function wireInput(text: string): { ok: true; input: unknown } | { ok: false } {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, "json")
      ? { ok: true, input: (value as { json: unknown }).json }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}

export function procedureCases(procedure: ProcedureInfo): fc.Arbitrary<TrpcCase> {
  const method = procedure.type === "query" ? "GET" : "POST";
  const seed = sampleInput(procedure);
  // Requests that might reach a mutation's work under another name or encoding carry an input
  // its schema refuses; the persona, CSRF and method refusals send a well-formed one on purpose.
  const refusable = procedure.type === "mutation" ? 42 : seed;
  const call = (label: string, input: unknown, extra: Partial<TrpcCase> = {}): TrpcCase & { input?: unknown } => {
    const wire = input === undefined ? undefined : JSON.stringify({ json: input });
    return {
      procedure: procedure.path, label, expect: "no-5xx", method, path: procedure.path, csrf: true, persona: "admin",
      search: method === "GET" && wire !== undefined ? `?input=${encodeURIComponent(wire)}` : "",
      ...(method === "POST" ? { body: bytes(wire ?? ""), contentType: "application/json" } : {}),
      ...extra,
    };
  };
  const variants: fc.Arbitrary<{ c: TrpcCase; input?: unknown; raw?: boolean }>[] = [
    mutatedValue(seed ?? {}).map(({ value, label }) => ({ c: call(`input: ${label}`, value), input: value })),
    mutatedValue(seed ?? {}).map(({ value, label }) => ({ c: call(`input: ${label}`, value), input: value })),
    fc.constantFrom("{", "", "null", "[]", '{"json":', '{"0":{"json":1}}', '{"json":1,"json":{}}', `{"json":${deepJsonText(100_000)}}`, `{"json":{"a":${deepJsonText(5000)}}}`).map(
      (full) => {
        const text = method === "GET" ? full.slice(0, 6000) : full;
        const c = method === "GET" ? call(`raw input ${text.slice(0, 20)}`, undefined, { search: `?input=${encodeURIComponent(text)}` }) : call(`raw body ${text.slice(0, 20)}`, undefined, { body: bytes(text) });
        // Text that still parses to {"json": x} (a duplicated key: the last wins) is a call with x.
        const wire = wireInput(text);
        return wire.ok ? { c, input: wire.input } : { raw: true, c };
      },
    ),
    fc.constantFrom(
      { values: { id: ["Date"] } }, { values: { "__proto__.polluted": ["undefined"] } }, { values: { "constructor.prototype.polluted": ["undefined"] } },
      { values: { "": ["bigint"] } }, { values: ["regexp"] }, { values: { id: [["custom", "x"]] } }, { referentialEqualities: { id: ["__proto__"] } }, { v: 99 },
    ).map((meta) => {
      const wire = JSON.stringify({ json: refusable ?? {}, meta });
      return { raw: true, c: method === "GET" ? call(`superjson meta ${JSON.stringify(meta)}`, undefined, { search: `?input=${encodeURIComponent(wire)}` }) : call(`superjson meta ${JSON.stringify(meta)}`, undefined, { body: bytes(wire) }) };
    }),
    fc.constantFrom(...PATH_TRICKS, "", "a,b,c", procedure.path.toUpperCase(), `${procedure.path}.x`, `${procedure.path}/`, `${procedure.path}%00`).map((trick) => ({
      raw: true, c: call(`procedure path ${trick}`, refusable, { path: trick.includes("%") ? trick : encodeURIComponent(trick) }),
    })),
    fc.constant(null).map(() => ({ raw: true, c: { ...call("wrong method", seed), method: (method === "GET" ? "POST" : "GET") as "GET" | "POST", search: "", body: method === "GET" ? bytes(JSON.stringify({ json: seed })) : undefined } })),
    fc.constantFrom("nobody", "viewer").map((persona) => ({ raw: true, c: call(`as ${persona}`, seed, { persona: persona as TrpcCase["persona"] }) })),
    fc.constant(null).map(() => ({ raw: true, c: call("batch of every shape", undefined, { path: `${procedure.path},${procedure.path},nope`, search: `?batch=1${method === "GET" ? `&input=${encodeURIComponent(JSON.stringify({ 0: { json: 1 }, 1: { json: null }, 2: {} }))}` : ""}`, ...(method === "POST" ? { body: bytes(JSON.stringify({ 0: { json: 1 }, 1: { json: [] }, 2: {} })) } : {}) }) })),
  ];
  if (method === "POST") {
    variants.push(
      fc.constantFrom(...WRONG_CONTENT_TYPES).map((type) => ({ raw: true, c: call(`content-type ${type}`, 42, { contentType: type }) })),
      fc.constantFrom(...INVALID_UTF8).map((bad) => ({ raw: true, c: call(`invalid UTF-8 ${bad.join(",")}`, undefined, { body: new Uint8Array([...bytes('{"json":"'), ...bad, ...bytes('"}')]) }) })),
      fc.constant(null).map(() => ({ raw: true, c: call("no CSRF header", seed, { csrf: false }) })),
      // A well-formed input holding what JavaScript cannot hold as sent (issue 19): refused before
      // tRPC's JSON.parse rounds the number or its input transform drops the key.
      fc.tuple(fc.constantFrom(...INEXACT_NUMBER_TEXTS), fc.constantFrom(...PROTO_VALUES)).map(([number, proto]) => {
        const wire = JSON.stringify({ json: seed ?? {} });
        const first = /(?<=[:[,])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[,\]}])/.exec(wire);
        const withProto = wire.startsWith('{"json":{}') ? `{"json":{"__proto__":${proto}}}` : wire.startsWith('{"json":{') ? wire.replace('{"json":{', `{"json":{"__proto__":${proto},`) : `{"json":{"__proto__":${proto}}}`;
        const text = first ? wire.slice(0, first.index) + number + wire.slice(first.index + first[0].length) : withProto;
        return { raw: true, c: call(first ? `number ${number} in place of ${first[0]}` : `__proto__ key ${proto}`, undefined, { body: bytes(text) }) };
      }),
      fc.constant(null).map(() => ({ raw: true, c: call("a 2 MiB body", undefined, { body: bytes(`{"json":{"x":"${"x".repeat(2 * 1024 * 1024)}"}}`) }) })),
    );
  }
  return fc
    .oneof(...variants)
    .map(({ c, input, raw }) => {
      // Raw requests are refused (or harmless reads) by construction; only "wrong persona" and
      // "no CSRF" calls carry an acceptable input, and they must be refused for a mutation too.
      if (raw) return { ...c, expect: (procedure.type === "mutation" ? "must-refuse" : "no-5xx") as Expectation };
      const expectation = expectationFor(procedure, input);
      return expectation === "discard" ? null : { ...c, expect: expectation };
    })
    .filter((c): c is TrpcCase => c !== null)
    .map((c) => Object.assign(c, { [fc.toStringMethod]: () => `${c.procedure} [${c.label.slice(0, 120)}] ${c.method} /api/trpc/${c.path.slice(0, 80)}${c.search.slice(0, 80)} as ${c.persona}${c.csrf ? "" : " without CSRF"} (${c.expect})` }));
}
