// The `table` member of a type (INTEGRATION.md section 3) as the config compiler reads it; the
// table itself is checked against the database at start (test/capture/install.integration.test.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileTypes } from "./compile-types";

const config = () => JSON.parse(readFileSync(path.join(process.cwd(), "examples", "visit-table.config.json"), "utf8")) as {
  types: { visit: { table: Record<string, unknown> } };
};
const compile = (edit: (table: Record<string, unknown>) => void) => {
  const c = config();
  edit(c.types.visit.table);
  return () => compileTypes("t.json", c, []);
};

describe("a type's table binding", () => {
  it("compiles to the type's table", () => {
    expect(compile(() => {})()[0]?.table).toEqual({ name: "public.visits", key: "id", streamColumn: "owner_id", streamPrefix: "user:" });
  });

  it("names the file, the type and the field of a mistake", () => {
    expect(compile((t) => { t.name = "Visits; DROP"; })).toThrow(/^t\.json: type "visit", field "table\.name": a lowercase table name/);
    expect(compile((t) => { t.key = "site"; })).toThrow('t.json: type "visit", field "table.key": column site is also a property of the schema');
    expect(compile((t) => { t.stream_column = "id"; })).toThrow('field "table.stream_column": must be another column than the key');
    expect(compile((t) => { delete t.stream_prefix; })).toThrow(/field "table\.stream_prefix"/);
    expect(compile((t) => { t.extra = 1; })).toThrow(/field "table"/);
  });
});
