// The app's types as the console's Schema page shows them: read-only, straight from the config
// the server started with.
import path from "node:path";
import type { FieldRule } from "./field-rules";
import { listTypes, typesFile } from "./registry";
import type { JsonSchema } from "./resource-type";

export type FieldSummary = {
  name: string;
  /** The JSON type(s): `string`, `integer`, `string | null`, `array of string`; `any` when open. */
  type: string;
  required: boolean;
  hasDefault: boolean;
  /** The default as JSON text, or null when there is none. */
  defaultValue: string | null;
  /** What the schema demands beyond the type: `max length 100`, `one of: a, b`, `format: date`. */
  constraints: string[];
  rule: string | null;
};

export type TypeSummary = {
  name: string;
  version: number;
  breaking: boolean;
  policy: string;
  builtIn: boolean;
  /** `additionalProperties: false`: data with fields the schema does not list is rejected. */
  closed: boolean;
  uniqueFields: string[];
  mediaFields: string[];
  watermelonTable: string | null;
  fields: FieldSummary[];
};

export function describeTypes(): { file: string; types: TypeSummary[] } {
  return {
    // Relative to the project: where the server's files are is nobody's business on a page.
    file: path.relative(process.cwd(), typesFile()) || typesFile(),
    types: listTypes().map((type) => {
      const properties = (type.jsonSchema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set(Array.isArray(type.jsonSchema.required) ? type.jsonSchema.required : []);
      return {
        name: type.name,
        version: type.version,
        breaking: type.breaking,
        policy: type.policy,
        builtIn: type.builtIn,
        closed: type.jsonSchema.additionalProperties === false,
        uniqueFields: [...type.uniqueFields],
        mediaFields: [...type.mediaFields],
        watermelonTable: type.watermelonTable,
        fields: Object.entries(properties).map(([name, schema]) => ({
          name,
          type: jsonType(schema),
          required: required.has(name),
          hasDefault: "default" in schema,
          defaultValue: "default" in schema ? JSON.stringify(schema.default) : null,
          constraints: constraints(schema),
          rule: describeRule(type.fields[name]),
        })),
      };
    }),
  };
}

function jsonType(schema: JsonSchema): string {
  const types = [schema.type ?? []].flat().filter((t): t is string => typeof t === "string");
  if (types.length === 0) return "any";
  const items = schema.items;
  return types.map((t) => (t === "array" && typeof items === "object" && items !== null && !Array.isArray(items)
    ? `array of ${jsonType(items as JsonSchema)}`
    : t)).join(" | ");
}

const BOUNDS: [keyof JsonSchema & string, string][] = [
  ["format", "format"], ["minLength", "min length"], ["maxLength", "max length"], ["minimum", "min"], ["maximum", "max"],
  ["exclusiveMinimum", "more than"], ["exclusiveMaximum", "less than"], ["minItems", "min items"], ["maxItems", "max items"], ["pattern", "pattern"],
];

function constraints(schema: JsonSchema): string[] {
  // A zod format (`z.iso.date()`) comes with the long pattern that checks it: the format says it.
  const shown = BOUNDS.filter(([key]) => key in schema && !(key === "pattern" && "format" in schema));
  const found = shown.map(([key, label]) => `${label}: ${String(schema[key])}`);
  if (Array.isArray(schema.enum)) found.unshift(`one of: ${schema.enum.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")}`);
  if ("const" in schema) found.unshift(`always: ${JSON.stringify(schema.const)}`);
  return found;
}

function describeRule(rule: FieldRule | undefined): string | null {
  if (!rule) return null;
  const parts = [
    rule.merge && `merge: ${rule.merge}`,
    rule.immutable && "immutable",
    rule.serverOnly && "server only",
    rule.transitions && `transitions: ${Object.entries(rule.transitions).map(([from, to]) => `${from} → ${to.join("/")}`).join(", ")}`,
  ];
  return parts.filter(Boolean).join("; ") || null;
}
