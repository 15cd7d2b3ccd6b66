// From the app's JSON Schemas to TypeScript declarations (`npm run types:generate`), so an app's
// code and the SDK can type each resource's data. Pure: schema in, source text out. What
// TypeScript cannot say (formats, lengths, patterns) becomes a comment or is left out; what it
// cannot represent at all becomes `unknown`, never a type that is narrower than the schema.
import type { JsonSchema } from "./resource-type";

type Schema = JsonSchema | boolean;

/** Resolves local `$ref`s (`#`, `#/$defs/x`) against the type's root schema. */
type Scope = { root: JsonSchema; seen: ReadonlySet<string> };

const isSchema = (value: unknown): value is JsonSchema => typeof value === "object" && value !== null && !Array.isArray(value);

/** A property key as TypeScript accepts it: bare when it is an identifier, else quoted. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** `field_report` -> `FieldReport`: the declaration names of the app's types, unique among `taken`. */
export function typeIdentifiers(names: readonly string[], taken: readonly string[] = []): Map<string, string> {
  const pascal = (name: string, keep: string) => name.split("_").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(keep);
  const counts = new Map<string, number>();
  for (const name of names) counts.set(pascal(name, ""), (counts.get(pascal(name, "")) ?? 0) + 1);
  // Type names are unique, so keeping the underscores separates `memo_1` from `memo1`.
  return new Map(names.map((name) => {
    const plain = pascal(name, "");
    return [name, counts.get(plain) === 1 && !taken.includes(plain) ? plain : `${pascal(name, "_")}_`];
  }));
}

function literal(value: unknown): string | null {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return JSON.stringify(value);
  return null;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)].filter((p) => p !== "never" || parts.every((q) => q === "never"));
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 0 ? "never" : unique.join(" | ");
}

/** Wraps a union or intersection so that `[]` or `&` applies to the whole of it. */
function group(type: string): string {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i += 1) {
    const c = type[i];
    if (quoted) {
      if (c === "\\") i += 1;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{" || c === "[" || c === "(") depth += 1;
    else if (c === "}" || c === "]" || c === ")") depth -= 1;
    else if (depth === 0 && (c === "|" || c === "&")) return `(${type})`;
  }
  return type;
}

function resolveRef(ref: string, scope: Scope): { schema: Schema; scope: Scope } | null {
  if (scope.seen.has(ref) || !(ref === "#" || ref.startsWith("#/"))) return null;
  let target: unknown = scope.root;
  for (const segment of ref.slice(2).split("/").filter(Boolean)) {
    const key = decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
    target = isSchema(target) ? target[key] : undefined;
  }
  if (!isSchema(target) && typeof target !== "boolean") return null;
  return { schema: target, scope: { root: scope.root, seen: new Set([...scope.seen, ref]) } };
}

/** The TypeScript type of a JSON Schema; `indent` is the indentation of the line it starts on. */
export function typeOfSchema(schema: Schema, indent = "", scope?: Scope): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  const at: Scope = scope ?? { root: schema, seen: new Set() };
  if (typeof schema.$ref === "string") {
    // A reference beside other keywords narrows them; the reference alone says enough for a type.
    const target = resolveRef(schema.$ref, at);
    return target ? typeOfSchema(target.schema, indent, target.scope) : "unknown";
  }
  if ("const" in schema) return literal(schema.const) ?? "unknown";
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.map(literal);
    return values.every((v) => v !== null) ? union(values) : "unknown";
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) return union(branches.map((b: Schema) => group(typeOfSchema(b, indent, at))));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((b: Schema) => typeOfSchema(b, indent, at)).filter((t) => t !== "unknown");
    return parts.length === 0 ? "unknown" : [...new Set(parts)].map(group).join(" & ");
  }
  const types = [schema.type].flat().filter((t): t is string => typeof t === "string");
  if (types.length === 0) return "unknown";
  return union(types.map((type) => typeOfJsonType(type, schema, indent, at)));
}

function typeOfJsonType(type: string, schema: JsonSchema, indent: string, scope: Scope): string {
  switch (type) {
    case "string": return "string";
    case "number": case "integer": return "number";
    case "boolean": return "boolean";
    case "null": return "null";
    case "array": return arrayType(schema, indent, scope);
    case "object": return objectType(schema, indent, scope);
    default: return "unknown";
  }
}

function arrayType(schema: JsonSchema, indent: string, scope: Scope): string {
  const items = schema.items as Schema | undefined;
  if (Array.isArray(schema.prefixItems)) {
    const fixed = schema.prefixItems.map((item: Schema) => typeOfSchema(item, indent, scope));
    const rest = items === false ? [] : [`...${group(typeOfSchema(items ?? true, indent, scope))}[]`];
    return `[${[...fixed, ...rest].join(", ")}]`;
  }
  return `${group(typeOfSchema(items ?? true, indent, scope))}[]`;
}

function objectType(schema: JsonSchema, indent: string, scope: Scope): string {
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([name, property]) =>
    `${comment(property, inner)}${inner}${propertyKey(name)}${required.has(name) ? "" : "?"}: ${typeOfSchema(property, inner, scope)};`);
  const extra = schema.additionalProperties as Schema | undefined;
  const closed = extra === false || (schema.unevaluatedProperties === false && !isSchema(schema.patternProperties));
  if (!closed) {
    // An index signature must admit every declared property's type, so with properties beside it
    // only `unknown` is sound.
    const value = lines.length === 0 && isSchema(extra) && !isSchema(schema.patternProperties) ? typeOfSchema(extra, inner, scope) : "unknown";
    lines.push(`${inner}[key: string]: ${value};`);
  }
  // `{}` would admit any value but null: a closed object without properties holds no key at all.
  if (lines.length === 0) lines.push(`${inner}[key: string]: never;`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/** What the schema says that the type cannot: description, format, default, bounds. */
function comment(schema: Schema, indent: string): string {
  if (!isSchema(schema)) return "";
  const notes = [
    typeof schema.description === "string" ? schema.description : null,
    typeof schema.format === "string" ? `Format: ${schema.format}.` : null,
    "default" in schema ? `Default: ${JSON.stringify(schema.default)}.` : null,
  ].filter((n): n is string => n !== null).map((n) => n.replace(/\*\//g, "*\\/"));
  return notes.length === 0 ? "" : `${indent}/** ${notes.join(" ")} */\n`;
}
