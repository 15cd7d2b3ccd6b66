// Examples of the OpenAPI document, derived from its own schemas (the zod wire shapes and each
// type's data schema from the config) rather than written per route: the reference shows a
// request and an answer for every operation, "Try it out" starts from a body the server accepts,
// and a changed schema changes its example. openapi-examples.test.ts checks every example against
// the zod schema of its route and against the document's JSON Schema.
type Json = Record<string, unknown>;
type Mode = "request" | "response";

const TIME = "2026-01-01T12:00:00.000Z";
const HEX = "0".repeat(64);

/**
 * The wire vocabulary: a field of this name gets this value wherever it appears (a schema alone
 * cannot say that a stream looks like `user:alice`). An optional field is shown only when it is
 * named here for the example's direction; `data` is shown in both.
 */
const FIELD_EXAMPLES: Record<string, { value: unknown; in?: Mode }> = {
  device_id: { value: "device-1" },
  bundle_id: { value: 1 },
  client_temp_id: { value: "tmp-1", in: "request" },
  id: { value: "0b7e6b2c-3a4f-4d8e-9c1a-5f2e8d7c6b5a" },
  record_id: { value: "0b7e6b2c-3a4f-4d8e-9c1a-5f2e8d7c6b5a" },
  conflict_id: { value: "5d0c2f3e-8a1b-4c7d-9e6f-1a2b3c4d5e6f", in: "response" },
  batch_id: { value: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a" },
  stream: { value: "user:alice", in: "response" },
  version: { value: 1 },
  seq: { value: 1 },
  token: { value: "<the token of your last bootstrap or pull>" },
  checksum: { value: `sha256:${HEX}` },
  digest: { value: `sha256-xor:${HEX}` },
  updated_at: { value: TIME },
  server_time: { value: TIME },
  processed_at: { value: TIME },
  created_at: { value: TIME },
  sha256: { value: `sha256:${HEX}` },
  key: { value: "b_AAAAAAAAAAAAAAAAAAAAAA" },
  filename: { value: "photo.jpg" },
  content_type: { value: "image/jpeg" },
  data: { value: undefined },
};

const STRING_FORMATS: Record<string, string> = {
  "date-time": TIME,
  date: "2026-01-01",
  uuid: "0b7e6b2c-3a4f-4d8e-9c1a-5f2e8d7c6b5a",
  email: "alice@example.com",
  uri: "https://example.com/",
};

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schema a local `$ref` (`#/components/...`) points at. */
function resolve(ref: string, doc: Json): Json {
  let at: unknown = doc;
  for (const raw of ref.replace(/^#\//, "").split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    at = isObject(at) ? at[key] : undefined;
  }
  if (!isObject(at)) throw new Error(`unresolvable $ref ${ref}`);
  return at;
}

/** A variant worth showing: not `null`, and not the catch-all of undeclared types (`type: { not: ... }`). */
function describesValue(variant: Json): boolean {
  const properties = isObject(variant.properties) ? Object.values(variant.properties) : [];
  return variant.type !== "null" && !properties.some((p) => isObject(p) && "not" in p);
}

/** A `oneOf`/`anyOf` folded into its base: its first variant worth showing. */
function chooseVariant(schema: Json, doc: Json): Json {
  const variants = (schema.oneOf ?? schema.anyOf) as Json[];
  const chosen = variants.find(describesValue) ?? variants[0] ?? {};
  const variant = typeof chosen.$ref === "string" ? resolve(chosen.$ref, doc) : chosen;
  const { oneOf: _one, anyOf: _any, ...base } = schema;
  return {
    ...base, ...variant,
    properties: { ...(base.properties as Json | undefined), ...(variant.properties as Json | undefined) },
    required: [...new Set([...((base.required ?? []) as string[]), ...((variant.required ?? []) as string[])])],
  };
}

function stringExample(schema: Json): string {
  const format = typeof schema.format === "string" ? STRING_FORMATS[schema.format] : undefined;
  const text = format ?? "string";
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  return text.padEnd(min, "x").slice(0, max);
}

function objectExample(schema: Json, doc: Json, mode: Mode, depth: number): Json {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set((schema.required ?? []) as string[]);
  const out: Json = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    const hint = FIELD_EXAMPLES[name];
    const shown = required.has(name) || (hint !== undefined && (hint.in === undefined || hint.in === mode));
    // A server_only field (readOnly) is never sent by a device.
    if (!shown || (mode === "request" && property.readOnly === true)) continue;
    out[name] = fieldExample(name, property, doc, mode, depth + 1);
  }
  return out;
}

/** The example of a field (or parameter) called `name`: the wire vocabulary's value if it fits, else generated. */
function fieldExample(name: string, schema: Json, doc: Json, mode: Mode, depth = 0): unknown {
  const hint = FIELD_EXAMPLES[name];
  return fits(hint?.value, schema) ? hint?.value : exampleOf(schema, doc, mode, depth);
}

/** Whether a field's wire value fits this schema: a `key` of another shape, or a `const`, is generated instead. */
function fits(value: unknown, schema: Json): boolean {
  if (value === undefined || "const" in schema || "enum" in schema) return false;
  if (typeof value !== "string" || typeof schema.pattern !== "string") return true;
  return new RegExp(schema.pattern, "u").test(value);
}

/** A value valid against `schema` (resolving references into `doc`), as small as reads well. */
export function exampleOf(schema: Json, doc: Json, mode: Mode, depth = 0): unknown {
  if (depth > 12) return null;
  if (typeof schema.$ref === "string") return exampleOf({ ...resolve(schema.$ref, doc), ...schema, $ref: undefined }, doc, mode, depth + 1);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ("default" in schema) return schema.default;
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return exampleOf(chooseVariant(schema, doc), doc, mode, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string": return stringExample(schema);
    case "integer": return typeof schema.minimum === "number" ? Math.max(schema.minimum, 0) : 0;
    case "number": return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean": return false;
    case "null": return null;
    case "array": {
      const count = Math.max(1, typeof schema.minItems === "number" ? schema.minItems : 1);
      if (typeof schema.maxItems === "number" && schema.maxItems === 0) return [];
      const items = isObject(schema.items) ? schema.items : {};
      return Array.from({ length: count }, () => exampleOf(items, doc, mode, depth + 1));
    }
    default:
      return objectExample(schema, doc, mode, depth);
  }
}

type Parameter = { name: string; required: boolean; schema: Json; example?: unknown };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Json; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: Json; example?: unknown }> }>;
};

/**
 * Puts an example on each required parameter, each JSON request body and each 2xx JSON answer (error
 * answers get theirs, one per code, from openapi-errors.ts). Mutates and returns `doc`.
 */
export function attachExamples<D extends Json>(doc: D): D {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  for (const methods of Object.values(paths)) {
    for (const op of Object.values(methods)) {
      // Required parameters only: "Try it out" sends every prefilled value, and an invented
      // optional one (a `cursor`) would turn a working call into a refused one.
      for (const param of op.parameters ?? []) {
        if (param.required) param.example = fieldExample(param.name, param.schema, doc, "request");
      }
      const body = op.requestBody?.content["application/json"];
      if (body?.schema) body.example = exampleOf(body.schema, doc, "request");
      for (const [status, response] of Object.entries(op.responses)) {
        const json = response.content?.["application/json"];
        if (status.startsWith("2") && json?.schema) json.example = exampleOf(json.schema, doc, "response");
      }
    }
  }
  return doc;
}
