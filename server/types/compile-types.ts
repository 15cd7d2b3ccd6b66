// From a parsed config to the engine's resource types. Every mistake is a ConfigError naming the
// file, the type and the field, so a team fixes its config without reading server source.
import { z } from "zod";
import type { RecordData } from "../sync/records";
import { ZSyncdeskConfig, isZodSchema, type TTypeConfig } from "./config-schema";
import type { FieldRule, FieldRules } from "./field-rules";
import { compileJsonSchema } from "./json-schema";
import type { DataIssue, JsonSchema, ResourceType, TableBinding, Validation } from "./resource-type";

export class ConfigError extends Error {}

/** Where a mistake is: `file: type "visit", field "fields.score.merge": message`. */
function mistake(file: string, type: string | null, field: string | null, message: string): ConfigError {
  const at = [type && `type "${type}"`, field && `field "${field}"`].filter(Boolean).join(", ");
  return new ConfigError(`${file}: ${at ? `${at}: ` : ""}${message}`);
}

/** Validates the whole config and compiles each type; throws the first ConfigError found. */
export function compileTypes(file: string, raw: unknown, reserved: readonly string[]): ResourceType[] {
  const parsed = ZSyncdeskConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [, type, ...field] = issue?.path.map(String) ?? [];
    throw mistake(file, type ?? null, field.length > 0 ? field.join(".") : null, issue?.message ?? "is not a valid config");
  }
  const types = Object.entries(parsed.data.types).map(([name, config]) => {
    if (reserved.includes(name)) throw mistake(file, name, null, "is the name of a type built into Syncdesk; choose another");
    return compileType(file, name, config);
  });
  const tables = new Map<string, string>();
  for (const type of types) {
    if (!type.watermelonTable) continue;
    const other = tables.get(type.watermelonTable);
    if (other) throw mistake(file, type.name, "watermelon.table", `table ${type.watermelonTable} is already the table of type "${other}"`);
    tables.set(type.watermelonTable, type.name);
  }
  return types;
}

function compileType(file: string, name: string, config: TTypeConfig): ResourceType {
  const fail = (field: string | null, message: string) => mistake(file, name, field, message);
  const { jsonSchema, validate } = compileSchema(config.schema, (message) => fail("schema", message));
  const properties = jsonSchema.properties;
  if (jsonSchema.type !== "object" || typeof properties !== "object" || properties === null) {
    throw fail("schema", 'must be an object schema with "properties"');
  }
  const property = (field: string) => (properties as Record<string, JsonSchema | undefined>)[field];
  for (const [list, fields] of [["unique_fields", config.unique_fields], ["media_fields", config.media_fields]] as const) {
    fields.forEach((field, i) => {
      if (!property(field)) throw fail(`${list}.${i}`, `names "${field}", which is not a property of the schema`);
    });
  }
  const fields: Record<string, FieldRule> = {};
  for (const [field, rule] of Object.entries(config.fields)) {
    const schema = property(field);
    if (!schema) throw fail(`fields.${field}`, "is not a property of the schema");
    const problem = ruleProblem(rule.merge, rule.transitions, schema);
    if (problem) throw fail(`fields.${field}.${problem.at}`, problem.message);
    fields[field] = { merge: rule.merge, immutable: rule.immutable, serverOnly: rule.server_only, transitions: rule.transitions };
  }
  return {
    name,
    version: config.version,
    breaking: config.breaking ?? false,
    policy: config.policy,
    uniqueFields: config.unique_fields,
    mediaFields: config.media_fields,
    fields: fields satisfies FieldRules,
    carriedFields: Object.keys(properties).filter((f) => "default" in (property(f) ?? {}) || fields[f]?.serverOnly),
    jsonSchema,
    validate,
    watermelonTable: config.watermelon?.table ?? null,
    table: tableBinding(config.table, Object.keys(properties), fail),
    builtIn: false,
  };
}

/** The table columns of the key and stream must not also be data properties. */
function tableBinding(table: TTypeConfig["table"], properties: string[], fail: (field: string, message: string) => Error): TableBinding | null {
  if (!table) return null;
  for (const field of ["key", "stream_column"] as const) {
    if (properties.includes(table[field])) throw fail(`table.${field}`, `column ${table[field]} is also a property of the schema; the record's data holds the other columns`);
  }
  if (table.key === table.stream_column) throw fail("table.stream_column", "must be another column than the key");
  return { name: table.name, key: table.key, streamColumn: table.stream_column, streamPrefix: table.stream_prefix };
}

function compileSchema(schema: TTypeConfig["schema"], fail: (message: string) => Error): { jsonSchema: JsonSchema; validate: (data: unknown) => Validation } {
  if (isZodSchema(schema)) {
    let jsonSchema: JsonSchema;
    try {
      jsonSchema = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" });
    } catch (error) {
      throw fail(`cannot be described as JSON Schema: ${error instanceof Error ? error.message : error}`);
    }
    return { jsonSchema, validate: zodValidator(schema) };
  }
  try {
    return { jsonSchema: schema, validate: compileJsonSchema(schema) };
  } catch (error) {
    throw fail(`is not a valid JSON Schema: ${error instanceof Error ? error.message : error}`);
  }
}

/** As the JSON Schema path reports them: an unknown key names itself, not its parent object. */
function zodIssues(issue: z.core.$ZodIssue): DataIssue[] {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys.length > 0) {
    return issue.keys.map((key) => ({ field: [...at, key].join("."), message: "is not a field of this type" }));
  }
  return [{ field: at.join(".") || "data", message: issue.message }];
}

function zodValidator(schema: z.ZodType): (data: unknown) => Validation {
  return (data) => {
    const result = schema.safeParse(data);
    if (!result.success) return { ok: false, issues: result.error.issues.flatMap(zodIssues).slice(0, 20) };
    // compileType checked that the schema describes an object; a record's data is one.
    const parsed = result.data;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false, issues: [{ field: "data", message: "must be an object" }] };
    return { ok: true, data: parsed as RecordData };
  };
}

const TYPES_OF_RULE: Partial<Record<NonNullable<FieldRule["merge"]>, string[]>> = {
  max: ["number", "integer"], min: ["number", "integer"], counter: ["number", "integer"], union: ["array"],
};

/** A rule that cannot work on the field's declared JSON type (when the schema declares one). */
function ruleProblem(merge: FieldRule["merge"], transitions: FieldRule["transitions"], schema: JsonSchema): { at: string; message: string } | null {
  const declared = ([] as unknown[]).concat(schema.type ?? []).filter((t): t is string => typeof t === "string" && t !== "null");
  const needs = merge && TYPES_OF_RULE[merge];
  if (needs && declared.length > 0 && !declared.every((t) => needs.includes(t))) {
    return { at: "merge", message: `"${merge}" needs a field of type ${needs.join(" or ")}, not ${declared.join(" or ")}` };
  }
  if (transitions && declared.length > 0 && !declared.every((t) => t === "string")) {
    return { at: "transitions", message: "transitions need a string field" };
  }
  if (transitions) {
    const states = new Set(Object.keys(transitions));
    for (const [from, targets] of Object.entries(transitions)) {
      const enumOf = Array.isArray(schema.enum) ? schema.enum : null;
      const unknown = [from, ...targets].find((s) => enumOf && !enumOf.includes(s));
      if (unknown !== undefined) return { at: `transitions.${from}`, message: `"${unknown}" is not one of the field's enum values` };
      for (const target of targets) states.add(target);
    }
    if (states.size === 0) return { at: "transitions", message: "declares no states" };
  }
  return null;
}
