// schema.prisma -> the shape server/db/schema-check.ts compares, read through Prisma's own parser
// (DMMF), with the column types, defaults and constraint defaults that Prisma Migrate would write
// for PostgreSQL. Unknown types and default functions throw rather than guess.
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { z } from "zod";
import { ANY_DEFAULT, normalizeDefault, type SchemaShape, type TableShape } from "./schema-check";

// Only the parts of the DMMF we compare.
const ZField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.string(),
  type: z.string(),
  isList: z.boolean(),
  isRequired: z.boolean(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  default: z.unknown().optional(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: z.string().optional(),
  relationOnUpdate: z.string().optional(),
});
const ZDatamodel = z.object({
  enums: z.array(z.object({ name: z.string(), dbName: z.string().nullish() })),
  models: z.array(z.object({ name: z.string(), dbName: z.string().nullish(), fields: z.array(ZField) })),
  indexes: z.array(
    z.object({
      model: z.string(),
      type: z.enum(["id", "unique", "normal", "fulltext"]),
      fields: z.array(z.object({ name: z.string() })),
    }),
  ),
});
type Field = z.infer<typeof ZField>;
export type Datamodel = z.infer<typeof ZDatamodel>;

export function readDatamodel(prismaSchema: string): Datamodel {
  let dmmf: unknown;
  try {
    dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema })));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`schema.prisma does not parse: ${message.replace(/\u001b\[[0-9;]*m/g, "")}`);
  }
  return z.object({ datamodel: ZDatamodel }).parse(dmmf).datamodel;
}

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

function nativeTypeName(native: string, args: string[]): string {
  const p = args.length > 0 ? `(${args.join(",")})` : "";
  const simple: Record<string, string> = {
    Text: "text", Uuid: "uuid", Xml: "xml", Inet: "inet", Citext: "citext", Integer: "integer",
    SmallInt: "smallint", BigInt: "bigint", Oid: "oid", Real: "real", DoublePrecision: "double precision",
    Money: "money", Boolean: "boolean", Date: "date", Json: "json", JsonB: "jsonb", ByteA: "bytea",
  };
  const withArgs: Record<string, string> = {
    VarChar: `character varying${p}`, Char: `character${p}`, Bit: `bit${p}`, VarBit: `bit varying${p}`,
    Decimal: `numeric${p}`, Timestamp: `timestamp${p} without time zone`,
    Timestamptz: `timestamp${p} with time zone`, Time: `time${p} without time zone`,
    Timetz: `time${p} with time zone`,
  };
  const type = simple[native] ?? withArgs[native];
  if (!type) throw new Error(`schema-check does not know the native type @db.${native}; add it`);
  return type;
}

/** format_type() quotes identifiers that are not plain lower-case. */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function columnType(field: Field, datamodel: Datamodel): string {
  let base: string;
  if (field.kind === "enum") {
    const found = datamodel.enums.find((e) => e.name === field.type);
    base = quoteIdent(found?.dbName ?? field.type);
  } else if (field.nativeType) {
    base = nativeTypeName(field.nativeType[0], field.nativeType[1]);
  } else {
    const scalar = SCALAR_TYPES[field.type];
    if (!scalar) throw new Error(`schema-check does not know the Prisma type ${field.type}`);
    base = scalar;
  }
  return field.isList ? `${base}[]` : base;
}

const CLIENT_GENERATED = new Set(["uuid", "cuid", "ulid", "nanoid"]);
const ZFunctionDefault = z.object({ name: z.string(), args: z.array(z.unknown()) });

function expectedDefault(field: Field): string | null {
  const value = field.default;
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return ANY_DEFAULT;
  const fn = ZFunctionDefault.safeParse(value);
  if (fn.success) {
    const { name, args } = fn.data;
    // Prisma Client fills these in itself; the column has no database default.
    if (CLIENT_GENERATED.has(name)) return null;
    if (name === "autoincrement" || name === "sequence") return "autoincrement()";
    if (name === "now") return "now()";
    if (name === "dbgenerated") return typeof args[0] === "string" ? normalizeDefault(args[0]) : ANY_DEFAULT;
    throw new Error(`schema-check does not know the default function ${name}()`);
  }
  return String(value);
}

export function expectedShape(datamodel: Datamodel): SchemaShape {
  const tableName = (model: string) => {
    const found = datamodel.models.find((m) => m.name === model);
    if (!found) throw new Error(`Unknown model ${model}`);
    return found.dbName ?? found.name;
  };
  const columnName = (model: string, field: string) => {
    const found = datamodel.models.find((m) => m.name === model)?.fields.find((f) => f.name === field);
    return found?.dbName ?? field;
  };
  const tables = datamodel.models.map((model): TableShape => {
    const scalars = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    const columns = scalars.map((field) => ({
      name: field.dbName ?? field.name,
      type: columnType(field, datamodel),
      // Prisma creates list columns without NOT NULL (`TEXT[]`), required or not.
      notNull: field.isRequired && !field.isList,
      default: expectedDefault(field),
    }));
    const kinds = { id: "primary", unique: "unique", normal: "index", fulltext: "index" } as const;
    const indexes = datamodel.indexes
      .filter((index) => index.model === model.name)
      .map((index) => ({ kind: kinds[index.type], columns: index.fields.map((f) => columnName(model.name, f.name)) }));
    const foreignKeys = model.fields
      .filter((f) => f.kind === "object" && (f.relationFromFields?.length ?? 0) > 0)
      .map((relation) => {
        const from = relation.relationFromFields ?? [];
        const required = from.every((name) => scalars.find((f) => f.name === name)?.isRequired);
        return {
          columns: from.map((name) => columnName(model.name, name)),
          refTable: tableName(relation.type),
          refColumns: (relation.relationToFields ?? []).map((name) => columnName(relation.type, name)),
          onDelete: relation.relationOnDelete ?? (required ? "Restrict" : "SetNull"),
          onUpdate: relation.relationOnUpdate ?? "Cascade",
        };
      });
    const name = model.dbName ?? model.name;
    return { name, columns, indexes: [...indexes, ...(EXPRESSION_INDEXES[name] ?? [])], foreignKeys };
  });
  return { tables };
}

/**
 * Indexes on an expression, which schema.prisma cannot declare: a migration creates each by hand,
 * and it is listed here (its key as pg_get_indexdef prints it) so the drift check expects it.
 */
const EXPRESSION_INDEXES: Record<string, TableShape["indexes"]> = {
  records: [{ kind: "index", columns: ["jsonb_set('{}'::jsonb, ARRAY[stream], data)"] }],
};

export function expectedShapeFromPrisma(prismaSchema: string): SchemaShape {
  return expectedShape(readDatamodel(prismaSchema));
}

