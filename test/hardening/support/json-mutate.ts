// Values derived from a route's zod schema: a sample that the schema accepts (via its JSON
// Schema), and mutations of it: fields dropped, added or of the wrong type, numbers at and past
// their bounds, huge strings and arrays, deep nesting and hostile text.
import fc from "fast-check";
import { z } from "zod";
import { anyJsonValue, BOUNDARY_NUMBERS, deepValue, FORGED_CURSORS, hostileString, hugeArray, hugeString, nested } from "./hostile";

type JsonSchema = Record<string, any>;
export type Path = (string | number)[];

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/** Examples for string patterns the sampler meets (new patterns need an entry or a route seed). */
const PATTERN_EXAMPLES: Record<string, string> = {
  "^[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9._@:-]{1,200}$": "org:fuzz",
  "^sha256:[0-9a-f]{64}$": `sha256:${"0".repeat(64)}`,
  "^[A-Za-z0-9_.-]{1,200}$": "fuzz-1",
  "^\\d{1,15}$": "1",
  "^[A-Za-z0-9._-]{1,64}$": "fuzz-key",
  "^(\\*|[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9._@:-]{0,200}\\*?)$": "org:*",
};

/** A value the JSON Schema accepts: only required fields, or (`full`) every field. */
export function sampleOf(schema: JsonSchema, full: boolean): unknown {
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(options)) return sampleOf(options[full ? options.length - 1 : 0], full);
  if (schema.default !== undefined && !full) return schema.default;
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [key, child] of Object.entries<JsonSchema>(schema.properties ?? {})) {
        if (full || required.has(key)) out[key] = sampleOf(child, full);
      }
      if (full && !schema.properties && typeof schema.additionalProperties === "object") {
        out.fuzz = sampleOf(schema.additionalProperties, full);
      }
      return out;
    }
    case "array":
      return Array.from({ length: Math.max(schema.minItems ?? 0, full ? 1 : 0) }, () => sampleOf(schema.items ?? {}, full));
    case "string": {
      if (schema.format === "date-time") return "2026-01-01T00:00:00.000Z";
      if (schema.format === "uuid" || /\[0-9a-fA-F\]\{8\}-/.test(schema.pattern ?? "")) return "00000000-0000-4000-8000-000000000000";
      if (schema.format === "email") return "fuzz@example.test";
      if (schema.format === "date") return "2026-01-01";
      if (schema.pattern) {
        const example = PATTERN_EXAMPLES[schema.pattern];
        if (example === undefined) throw new Error(`no example for pattern ${schema.pattern}`);
        return example;
      }
      return "a".repeat(Math.max(schema.minLength ?? 1, 1));
    }
    case "integer":
    case "number":
      return Math.min(Math.max(1, schema.minimum ?? 1), schema.maximum ?? 1);
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return {};
  }
}

/**
 * The richest value the zod schema accepts: its required fields, then each optional top-level field
 * whose sample the schema still accepts (a refinement may refuse some combinations), so mutations
 * reach as many fields as possible. Falls back to `{}` when nothing is accepted.
 */
export function acceptedSample(schema: z.ZodType): unknown {
  const json = jsonSchemaOf(schema);
  const tryOne = (full: boolean): unknown => {
    try {
      return sampleOf(json, full);
    } catch {
      return undefined;
    }
  };
  const full = tryOne(true);
  if (full !== undefined && schema.safeParse(full).success) return full;
  let best = tryOne(false);
  if (best === undefined || !schema.safeParse(best).success) best = {};
  if (!best || typeof best !== "object" || Array.isArray(best) || !full || typeof full !== "object") return best;
  for (const [key, value] of Object.entries(full)) {
    const candidate = { ...(best as Record<string, unknown>), [key]: value };
    if (schema.safeParse(candidate).success) best = candidate;
  }
  return best;
}

/** Every path inside a JSON value (the root included), containers and leaves. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Sets (or, with `remove`, deletes) the value at `path`; own properties even for "__proto__". */
function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<string | number, unknown>;
  if (parent === null || typeof parent !== "object") return root;
  for (const key of path.slice(0, -1)) {
    parent = parent[key] as Record<string | number, unknown>;
    if (parent === null || typeof parent !== "object") return root; // an earlier mutation removed it
  }
  const last = path[path.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

const getAt = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);

type Mutation = { name: string; apply(value: unknown): unknown };

/** Text that databases and decoders choke on, put into every string of a value at once. */
const POISON = ["\u0000", "a\u0000b", "\ud800", "\udfff", "%", "'", "\\", "", " ", ...FORGED_CURSORS];

function replaceStrings(value: unknown, poison: string): unknown {
  if (typeof value === "string") return poison;
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, poison));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, poison)]));
  return value;
}

const EXTRA_KEYS = ["extra", "__proto__", "constructor", "", " ", "device_id ", "DEVICE_ID", "a\u0000b", "$where", "toString"];

/** One mutation of `seed`: what it does and where. */
export function mutationOf(seed: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(seed);
  const containers = paths.filter((p) => {
    const node = getAt(seed, p);
    return node !== null && typeof node === "object";
  });
  const objects = containers.filter((p) => !Array.isArray(getAt(seed, p)));
  const inner = paths.filter((p) => p.length > 0);
  const at = (list: Path[]) => fc.constantFrom(...(list.length ? list : [[] as Path]));
  const label = (p: Path) => p.join(".") || "(body)";
  const setter = (name: string, where: fc.Arbitrary<Path>, value: fc.Arbitrary<unknown>) =>
    fc.tuple(where, value).map(([p, v]): Mutation => ({ name: `${name} at ${label(p)}`, apply: (x) => setAt(x, p, clone(v)) }));
  return fc.oneof(
    fc.tuple(at(inner)).map(([p]): Mutation => ({ name: `drop ${label(p)}`, apply: (x) => setAt(x, p, undefined, true) })),
    fc.tuple(at(objects), fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 8 })), anyJsonValue).map(
      ([p, key, v]): Mutation => ({ name: `extra ${label([...p, key])}`, apply: (x) => setAt(x, [...p, key], clone(v)) }),
    ),
    setter("wrong type", at(paths), anyJsonValue),
    setter("boundary number", at(inner), fc.constantFrom(...BOUNDARY_NUMBERS)),
    setter("hostile string", at(inner), hostileString),
    setter("huge string", at(inner), hugeString),
    setter("huge array", at(paths), hugeArray),
    setter("deep nesting", at(paths), deepValue),
    fc.constantFrom(...POISON).map((poison): Mutation => ({
      name: `every string ${JSON.stringify(poison).slice(0, 40)}`,
      apply: (x) => replaceStrings(x, poison),
    })),
  );
}

/** The seed after one to three mutations, with their names. */
export function mutatedValue(seed: unknown): fc.Arbitrary<{ value: unknown; label: string }> {
  return fc.array(mutationOf(seed), { minLength: 1, maxLength: 3 }).map((mutations) => {
    let value = clone(seed);
    for (const m of mutations) value = m.apply(value);
    return { value, label: mutations.map((m) => m.name).join(", ") };
  });
}

/** JSON text nested `depth` levels, built as text so no JSON.stringify recursion is involved. */
export function deepJsonText(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

export { nested };
