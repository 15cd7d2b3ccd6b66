// The app's types as the console's Schema page shows them: read-only, straight from the config
// the server started with.
import path from "node:path";
import { listTypes, typesFile } from "./registry";

export type TypeSummary = {
  name: string;
  version: number;
  breaking: boolean;
  policy: string;
  builtIn: boolean;
  uniqueFields: string[];
  mediaFields: string[];
  watermelonTable: string | null;
  fields: { name: string; type: string; required: boolean; hasDefault: boolean; rule: string | null }[];
};

export function describeTypes(): { file: string; types: TypeSummary[] } {
  return {
    // Relative to the project: where the server's files are is nobody's business on a page.
    file: path.relative(process.cwd(), typesFile()) || typesFile(),
    types: listTypes().map((type) => {
      const properties = (type.jsonSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set(Array.isArray(type.jsonSchema.required) ? type.jsonSchema.required : []);
      return {
        name: type.name,
        version: type.version,
        breaking: type.breaking,
        policy: type.policy,
        builtIn: type.builtIn,
        uniqueFields: [...type.uniqueFields],
        mediaFields: [...type.mediaFields],
        watermelonTable: type.watermelonTable,
        fields: Object.entries(properties).map(([name, schema]) => ({
          name,
          type: [schema.type ?? "any"].flat().join(" | "),
          required: required.has(name),
          hasDefault: "default" in schema,
          rule: describeRule(type.fields[name]),
        })),
      };
    }),
  };
}

function describeRule(rule: (ReturnType<typeof listTypes>[number]["fields"])[string] | undefined): string | null {
  if (!rule) return null;
  const parts = [
    rule.merge && `merge: ${rule.merge}`,
    rule.immutable && "immutable",
    rule.serverOnly && "server only",
    rule.transitions && `transitions: ${Object.entries(rule.transitions).map(([from, to]) => `${from} → ${to.join("/")}`).join(", ")}`,
  ];
  return parts.filter(Boolean).join("; ") || null;
}
