import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ITEM_ERROR_CODES } from "./errors";
import { GENERATED_TABLES, readGeneratedTable, renderGeneratedTables, type GeneratedTable } from "./errors-markdown";
import { LIMITS } from "@syncdesk/protocol";

const doc = readFileSync(new URL("../docs/protocol.md", import.meta.url), "utf8");
const codesIn = (lines: string[]) => lines.flatMap((line) => [...line.matchAll(/^\|(?: \d+ \|)? `([a-z_]+)` \|/g)].map((m) => m[1]));

describe("docs/protocol.md error tables", () => {
  for (const name of Object.keys(GENERATED_TABLES) as GeneratedTable[]) {
    it(`${name} is the code table, row for row (else run npm run docs:errors)`, () => {
      const documented = readGeneratedTable(doc, name);
      expect(documented, `markers of ${name}`).not.toBeNull();
      expect(documented).toEqual(GENERATED_TABLES[name]());
    });
  }

  it("names each code of each table once, and no other (both directions)", () => {
    expect(codesIn(readGeneratedTable(doc, "request-errors") ?? [])).toEqual(Object.keys(ERROR_CODES));
    expect(codesIn(readGeneratedTable(doc, "item-errors") ?? [])).toEqual(Object.keys(ITEM_ERROR_CODES));
  });

  it("is already what npm run docs:errors writes", () => {
    expect(renderGeneratedTables(doc)).toBe(doc);
  });

  it("renders a changed table, so a drift shows as a difference", () => {
    const stale = doc.replace("| `media_not_found` |", "| `media_gone` |");
    expect(stale).not.toBe(doc);
    expect(renderGeneratedTables(stale)).toBe(doc);
    expect(() => renderGeneratedTables("no markers here")).toThrow(/markers/);
  });

  it("the tus table names only codes of the table", () => {
    const tus = doc.slice(doc.indexOf("tus status codes are kept"));
    const rows = tus.slice(0, tus.indexOf("\n\n", tus.indexOf("| --- |"))).split("\n").filter((l) => /^\| \d{3} \|/.test(l));
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const codes = [...(row.split("|")[2] ?? "").matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? "");
      expect(codes.length, row).toBeGreaterThan(0);
      for (const code of codes) expect(Object.keys(ERROR_CODES), row).toContain(code);
    }
  });

  it("states the record size limit the engine applies", () => {
    expect(ITEM_ERROR_CODES.payload_too_large.description).toContain(`${LIMITS.maxRecordDataBytes / 1024} KiB`);
  });
});
