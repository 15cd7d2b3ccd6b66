// The shape of the app's config file (INTEGRATION.md section 1), snake_case as in its JSON form.
// Cross-field checks (rules naming real fields, rule kinds fitting field types) live in
// compile-types.ts, where the compiled schema is at hand.
import { z } from "zod";

/** A zod schema given by a TS or MJS config: recognised by shape, as it may come from another copy of zod. */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value && "safeParse" in value
    && typeof value.safeParse === "function";
}

const ZTypeName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "type names are lowercase letters, digits and _, starting with a letter");
const ZFieldName = z.string().min(1).max(100);
const ZColumnName = z.string().regex(/^[a-z_][a-z0-9_]*$/, "a lowercase column name");

export const ZFieldRuleConfig = z.strictObject({
  merge: z.enum(["lww", "max", "min", "counter", "union", "server", "client", "manual"]).optional(),
  immutable: z.boolean().optional(),
  server_only: z.boolean().optional(),
  transitions: z.record(z.string(), z.array(z.string())).optional(),
});

export const ZTypeConfig = z.strictObject({
  version: z.number().int().min(1),
  breaking: z.boolean().optional(),
  policy: z.enum(["lww", "version", "merge", "manual"]),
  schema: z.custom<Record<string, unknown> | z.ZodType>(
    (value) => isZodSchema(value) || (typeof value === "object" && value !== null && !Array.isArray(value)),
    "must be a JSON Schema object (or a zod schema in a TS config)",
  ),
  unique_fields: z.array(ZFieldName).default([]),
  media_fields: z.array(ZFieldName).default([]),
  fields: z.record(ZFieldName, ZFieldRuleConfig).default({}),
  table: z.strictObject({
    name: z.string().regex(/^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$/, "a lowercase table name, optionally schema-qualified (public.visits)"),
    key: ZColumnName,
    stream_column: ZColumnName,
    stream_prefix: z.string().max(100),
  }).optional(),
  watermelon: z.strictObject({ table: z.string().regex(/^[a-z_][a-z0-9_]*$/, "not a WatermelonDB table name") }).optional(),
});
export type TTypeConfig = z.infer<typeof ZTypeConfig>;

export const ZSyncdeskConfig = z.strictObject({
  types: z.record(ZTypeName, ZTypeConfig).refine((types) => Object.keys(types).length > 0, "declares no types"),
});
export type TSyncdeskConfig = z.input<typeof ZSyncdeskConfig>;
