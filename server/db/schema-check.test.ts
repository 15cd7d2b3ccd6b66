import { describe, expect, it } from "vitest";
import { compareSchemas, normalizeDefault, type SchemaShape, type TableShape } from "./schema-check";
import { expectedShapeFromPrisma, readDatamodel } from "./schema-prisma";

const SCHEMA = `
datasource db {
  provider = "postgresql"
}

enum Role {
  ADMIN
  member
  @@map("role_kind")
}

model Account {
  id       BigInt    @id @default(autoincrement())
  key      String    @unique @default(uuid()) @db.Uuid
  name     String    @default("it's") @db.VarChar(20)
  role     Role      @default(ADMIN)
  roles    Role[]
  tags     String[]  @default(["a"])
  price    Decimal?
  ratio    Float     @default(1.5)
  offset   Int       @default(-1)
  at       DateTime  @default(now()) @db.Timestamptz(3)
  plain    DateTime
  meta     Json      @default("{}")
  blob     Bytes?
  made     DateTime  @default(dbgenerated("now()")) @db.Date
  owned    Owned[]

  @@index([name, at])
  @@map("accounts")
}

model Owned {
  id        Int      @id
  accountId BigInt   @map("account_id")
  backupId  BigInt?  @map("backup_id")
  account   Account  @relation(fields: [accountId], references: [id], onDelete: Cascade)
  backup    Backup?  @relation(fields: [backupId], references: [id])

  @@unique([accountId, backupId])
}

model Backup {
  id    BigInt  @id
  owned Owned[]
}
`;

function table(shape: SchemaShape, name: string): TableShape {
  const found = shape.tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

describe("expectedShapeFromPrisma", () => {
  const shape = expectedShapeFromPrisma(SCHEMA);

  it("maps every model to its table name", () => {
    expect(shape.tables.map((t) => t.name)).toEqual(["accounts", "Owned", "Backup"]);
  });

  it("maps scalars, native types, enums and lists to PostgreSQL types, nullability and defaults", () => {
    expect(table(shape, "accounts").columns).toEqual([
      { name: "id", type: "bigint", notNull: true, default: "autoincrement()" },
      { name: "key", type: "uuid", notNull: true, default: null },
      { name: "name", type: "character varying(20)", notNull: true, default: "it's" },
      { name: "role", type: "role_kind", notNull: true, default: "ADMIN" },
      { name: "roles", type: "role_kind[]", notNull: false, default: null },
      { name: "tags", type: "text[]", notNull: false, default: "<any>" },
      { name: "price", type: "numeric(65,30)", notNull: false, default: null },
      { name: "ratio", type: "double precision", notNull: true, default: "1.5" },
      { name: "offset", type: "integer", notNull: true, default: "-1" },
      { name: "at", type: "timestamp(3) with time zone", notNull: true, default: "now()" },
      { name: "plain", type: "timestamp(3) without time zone", notNull: true, default: null },
      { name: "meta", type: "jsonb", notNull: true, default: "{}" },
      { name: "blob", type: "bytea", notNull: false, default: null },
      { name: "made", type: "date", notNull: true, default: "now()" },
    ]);
  });

  it("lists primary keys, unique and plain indexes by column names", () => {
    expect(table(shape, "accounts").indexes).toEqual([
      { kind: "primary", columns: ["id"] },
      { kind: "unique", columns: ["key"] },
      { kind: "index", columns: ["name", "at"] },
    ]);
    expect(table(shape, "Owned").indexes).toEqual([
      { kind: "primary", columns: ["id"] },
      { kind: "unique", columns: ["account_id", "backup_id"] },
    ]);
  });

  it("derives foreign keys with Prisma's referential action defaults", () => {
    expect(table(shape, "Owned").foreignKeys).toEqual([
      { columns: ["account_id"], refTable: "accounts", refColumns: ["id"], onDelete: "Cascade", onUpdate: "Cascade" },
      // An optional relation without onDelete: Prisma uses SET NULL.
      { columns: ["backup_id"], refTable: "Backup", refColumns: ["id"], onDelete: "SetNull", onUpdate: "Cascade" },
    ]);
    expect(table(shape, "accounts").foreignKeys).toEqual([]);
  });

  it("reports a schema that does not parse, without terminal colour codes", () => {
    expect(() => readDatamodel("model {")).toThrow(/^schema\.prisma does not parse: [^\u001b]*$/s);
  });
});

describe("normalizeDefault", () => {
  it.each([
    ["nextval('audit_log_id_seq'::regclass)", "autoincrement()"],
    ["CURRENT_TIMESTAMP", "now()"],
    ["now()", "now()"],
    ["'open'::text", "open"],
    ["'{}'::jsonb", "{}"],
    ["'-1'::integer", "-1"],
    ["'it''s'::character varying", "it's"],
    ["'ADMIN'::\"Role\"", "ADMIN"],
    ["false", "false"],
    ["0", "0"],
    ["(now() + '1 day'::interval)", "(now() + '1 day'::interval)"],
  ])("%s -> %s", (expression, expected) => {
    expect(normalizeDefault(expression)).toBe(expected);
  });
});

describe("compareSchemas", () => {
  const base = (): SchemaShape => ({
    tables: [
      {
        name: "notes",
        columns: [
          { name: "id", type: "uuid", notNull: true, default: null },
          { name: "owner", type: "uuid", notNull: true, default: null },
          { name: "tags", type: "text[]", notNull: false, default: "<any>" },
        ],
        indexes: [{ kind: "primary", columns: ["id"] }, { kind: "index", columns: ["owner"] }],
        foreignKeys: [{ columns: ["owner"], refTable: "users", refColumns: ["id"], onDelete: "Cascade", onUpdate: "Cascade" }],
      },
    ],
  });

  it("finds no difference between equal shapes", () => {
    expect(compareSchemas(base(), base())).toEqual([]);
  });

  it("accepts any database default where the schema leaves the expression open, but not none", () => {
    const db = base();
    const tags = db.tables[0]?.columns[2];
    if (!tags) throw new Error("fixture");
    tags.default = "{a}";
    expect(compareSchemas(base(), db)).toEqual([]);
    tags.default = null;
    expect(compareSchemas(base(), db)).toEqual([
      "table notes, column tags: no default in the database, default <any> in schema.prisma",
    ]);
  });

  it("reports each kind of difference on its own line", () => {
    const db = base();
    const notes = db.tables[0];
    if (!notes) throw new Error("fixture");
    notes.columns[1] = { name: "owner", type: "text", notNull: false, default: "x" };
    notes.columns.push({ name: "extra", type: "integer", notNull: false, default: null });
    notes.indexes = [{ kind: "primary", columns: ["id"] }, { kind: "unique", columns: ["owner"], where: "(owner IS NOT NULL)" }];
    notes.foreignKeys[0] = { columns: ["owner"], refTable: "users", refColumns: ["id"], onDelete: "Restrict", onUpdate: "Cascade" };
    db.tables.push({ name: "stray", columns: [], indexes: [], foreignKeys: [] });

    expect(compareSchemas(base(), db)).toEqual([
      "schema: table stray is in the database but not in schema.prisma",
      "table notes: column extra is in the database but not in schema.prisma",
      "table notes, column owner: type is text in the database, uuid in schema.prisma",
      "table notes, column owner: nullable in the database, NOT NULL in schema.prisma",
      "table notes, column owner: default x in the database, no default in schema.prisma",
      "table notes: index (owner) is in schema.prisma but not in the database",
      "table notes: unique index (owner) WHERE (owner IS NOT NULL) is in the database but not in schema.prisma",
      "table notes: foreign key (owner) -> users (id) ON DELETE Cascade ON UPDATE Cascade is in schema.prisma but not in the database",
      "table notes: foreign key (owner) -> users (id) ON DELETE Restrict ON UPDATE Cascade is in the database but not in schema.prisma",
    ]);
  });

  it("counts a duplicated index as an extra one", () => {
    const db = base();
    db.tables[0]?.indexes.push({ kind: "index", columns: ["owner"] });
    expect(compareSchemas(base(), db)).toEqual([
      "table notes: index (owner) is in the database but not in schema.prisma",
    ]);
  });

  it("reports a table missing from the database", () => {
    expect(compareSchemas(base(), { tables: [] })).toEqual([
      "schema: table notes is in schema.prisma but not in the database",
    ]);
  });
});
