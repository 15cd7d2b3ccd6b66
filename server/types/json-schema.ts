// JSON Schema (draft 2020-12) validation with ajv: each type's schema is compiled once, at start,
// into a validator that also fills declared `default`s (older apps' pushes get them). Failures map
// to the `{field, message}` list that `invalid_data` details carry.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { RecordData } from "../sync/records";
import type { DataIssue, JsonSchema, Validation } from "./resource-type";

// strict: a misspelt keyword (`requried`) fails the config at start instead of validating nothing.
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, validateFormats: true });
addFormats(ajv);
// Annotations a team may keep in its schemas; they do not validate anything.
ajv.addKeyword({ keyword: "x-syncdesk" });

const MAX_ISSUES = 20;

/** Compiles a schema; throws with ajv's own message when it is not a valid JSON Schema. */
export function compileJsonSchema(schema: JsonSchema): (data: unknown) => Validation {
  const validate = ajv.compile(schema);
  const fillsDefaults = mayFillDefaults(schema);
  return (data) => {
    // Defaults are written into the object validated: validate a copy, never the caller's input.
    // Only a schema that declares one writes anything: copying every pushed document (with
    // structuredClone) cost ~0.4 ms of server CPU per 100-item push (bench/profiles/2026-12-05-pull.md).
    const copy: unknown = fillsDefaults && isObject(data) ? structuredClone(data) : data;
    if (validate(copy)) return { ok: true, data: copy as RecordData };
    return { ok: false, issues: (validate.errors ?? []).slice(0, MAX_ISSUES).map(issueOf) };
  };
}

/**
 * Whether validating against `schema` may write into the data: it declares a `default` somewhere,
 * or refers to a schema outside itself (whose defaults it cannot see here).
 */
function mayFillDefaults(schema: JsonSchema): boolean {
  const walk = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(walk);
    if (typeof node !== "object" || node === null) return false;
    return Object.entries(node).some(([key, value]) =>
      key === "default" || (key === "$ref" && !(typeof value === "string" && value.startsWith("#"))) || walk(value));
  };
  return walk(schema);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `/tags/2` -> `tags.2`; a missing or extra property names that property. */
function issueOf(error: ErrorObject): DataIssue {
  const at = error.instancePath.split("/").slice(1).map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  const params = error.params as Record<string, unknown>;
  const named = params.missingProperty ?? params.additionalProperty;
  if (typeof named === "string") at.push(named);
  const message = error.keyword === "additionalProperties" ? "is not a field of this type"
    : error.keyword === "required" ? "is required" : error.message ?? "is invalid";
  return { field: at.join(".") || "data", message };
}
