// The per-type part of the OpenAPI document: each resource type's data schema, taken from the
// config the server started with, and the records, changes and push items whose `data` is told
// apart by their `type`. Built per request from the registry, so a changed config shows after a
// restart without a rebuild.
import type { ResourceType, JsonSchema } from "../types/resource-type";
import { typeIdentifiers } from "../types/typescript-types";

export const COMPONENTS = "#/components/schemas/";

/** `visit` -> `VisitData`: the component holding a type's data schema. */
export function dataComponentNames(types: readonly ResourceType[]): Map<string, string> {
  const ids = typeIdentifiers(types.map((t) => t.name));
  return new Map(types.map((t) => [t.name, `${ids.get(t.name) ?? t.name}Data`]));
}

/** Local references of the type's schema (`#/$defs/x`), re-rooted where the document puts it. */
function reroot(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((v) => reroot(v, base));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) =>
    [key, key === "$ref" && typeof v === "string" && v.startsWith("#") ? `${base}${v.slice(1)}` : reroot(v, base)]));
}

function dataSchema(type: ResourceType, component: string): JsonSchema {
  const { $schema: _dialect, $id: _id, ...schema } = type.jsonSchema;
  const rerooted = reroot(schema, `${COMPONENTS}${component}`) as JsonSchema;
  const properties = (rerooted.properties ?? {}) as Record<string, JsonSchema>;
  // OpenAPI's readOnly ("in answers, never in requests") is what server_only means for a device.
  const marked = Object.fromEntries(Object.entries(properties).map(([name, property]) =>
    [name, type.fields[name]?.serverOnly ? { ...property, readOnly: true } : property]));
  const facts = [
    `Version ${type.version}${type.breaking ? " (breaking)" : ""}, conflict policy \`${type.policy}\`.`,
    type.builtIn ? "Built into Syncdesk (what an upload without `attach` writes)." : null,
    type.uniqueFields.length > 0 ? `Unique per stream: ${type.uniqueFields.map((f) => `\`${f}\``).join(", ")}.` : null,
    type.mediaFields.length > 0 ? `Blob keys: ${type.mediaFields.map((f) => `\`${f}\``).join(", ")}.` : null,
  ].filter(Boolean);
  return { title: `${type.name} data`, description: facts.join(" "), ...rerooted, properties: marked };
}

const OTHER_TYPES = {
  Record: "A record of a type the config no longer declares: its data is kept as stored.",
  Change: "A change of a type the config no longer declares: its data is kept as stored.",
  PushItem: "A type the config does not declare: answered with the item error `unknown_type`.",
  ServerPushItem: "A type the config does not declare: answered with the item error `unknown_type`.",
} as const;
export type DataCarrier = keyof typeof OTHER_TYPES;

/** A record, change or push item: the common shape, and `data` chosen by `type`. */
function byType(name: DataCarrier, base: JsonSchema, types: readonly ResourceType[], components: Map<string, string>): JsonSchema {
  const variants = types.map((type) => ({
    title: type.name,
    properties: { type: { const: type.name }, data: { $ref: `${COMPONENTS}${components.get(type.name)}` } },
  }));
  const other = { title: "other types", description: OTHER_TYPES[name], properties: { type: { not: { enum: types.map((t) => t.name) } } } };
  return { ...base, description: "`data` follows the schema of the record's `type` (components `<Type>Data`).", oneOf: [...variants, other] };
}

/** The components a document gains from the types: `<Type>Data` and the carriers of data. */
export function typeComponents(types: readonly ResourceType[], carriers: Record<DataCarrier, JsonSchema>): Record<string, JsonSchema> {
  const names = dataComponentNames(types);
  const data = Object.fromEntries(types.map((type) => {
    const component = names.get(type.name) ?? type.name;
    return [component, dataSchema(type, component)];
  }));
  const wrapped = Object.fromEntries((["Record", "Change", "PushItem", "ServerPushItem"] as const).map((name) => [name, byType(name, carriers[name], types, names)]));
  return { ...wrapped, ...data };
}
