import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "./compile-types";
import { loadConfigFile } from "./load-config";

// Inside the project, as a team's config is: a TS config imports zod from its node_modules.
mkdirSync(path.join(process.cwd(), ".data"), { recursive: true });
const dir = mkdtempSync(path.join(process.cwd(), ".data", "config-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(extension: string, text: string): string {
  const at = path.join(dir, `c${++n}${extension}`);
  writeFileSync(at, text);
  return at;
}
const visitJson = path.join(process.cwd(), "examples", "visit.config.json");
const visit = () => JSON.parse(JSON.stringify(require(visitJson))) as { types: { visit: Record<string, unknown> & { fields: Record<string, unknown>; schema: Record<string, unknown> } } };
const withVisit = (edit: (v: ReturnType<typeof visit>["types"]["visit"]) => void) => {
  const config = visit();
  edit(config.types.visit);
  return file(".json", JSON.stringify(config));
};
async function failure(at: string): Promise<string> {
  const error = await loadConfigFile(at).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe("loading a config", () => {
  it("loads the JSON form of INTEGRATION.md and validates data with its JSON Schema, defaults filled", async () => {
    const [type] = await loadConfigFile(visitJson);
    expect(type).toMatchObject({ name: "visit", version: 1, policy: "merge", watermelonTable: "visits", carriedFields: ["note"] });
    expect(type?.validate({ site: "Depot", score: 3 })).toEqual({ ok: true, data: { site: "Depot", score: 3, note: "" } });
    expect(type?.validate({ site: 1, score: 3, extra: true })).toEqual({
      ok: false,
      issues: [{ field: "extra", message: "is not a field of this type" }, { field: "site", message: "must be string" }],
    });
  });

  it("loads a TS config with a zod schema and an MJS config", async () => {
    const ts = file(".ts", `import { z } from "zod";\nconst n: number = 1;\nexport default { types: { visit: { version: n, policy: "lww", schema: z.strictObject({ site: z.string(), note: z.string().default("") }) } } };\n`);
    const [fromTs] = await loadConfigFile(ts);
    expect(fromTs?.jsonSchema).toMatchObject({ type: "object", properties: { site: { type: "string" } } });
    expect(fromTs?.validate({ site: "a" })).toEqual({ ok: true, data: { site: "a", note: "" } });
    expect(fromTs?.validate({})).toMatchObject({ ok: false, issues: [{ field: "site" }] });
    expect(fromTs?.validate({ site: "a", colour: "red" })).toEqual({ ok: false, issues: [{ field: "colour", message: "is not a field of this type" }] });
    const mjs = file(".mjs", `export default ${JSON.stringify(visit())};\n`);
    expect((await loadConfigFile(mjs)).map((t) => t.name)).toEqual(["visit"]);
  });

  it("leaves Node's source-map support off after a TS config, loaded or not (tsx is registered only for the import)", async () => {
    // While tsx is registered, Node keeps the source map of every module loaded later in memory.
    const before = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
      const config = (version: number) => `export default { types: { visit: { version: ${version}, policy: "lww", schema: { type: "object", properties: { site: { type: "string" } } } } } };\n`;
      expect((await loadConfigFile(file(".ts", config(1))))[0]?.version).toBe(1);
      expect(process.sourceMapsEnabled).toBe(false);
      expect(await failure(file(".ts", "export default {{"))).toMatch(/cannot be loaded/);
      expect(process.sourceMapsEnabled).toBe(false);
      // A later TS config still loads: the next import registers tsx again.
      expect((await loadConfigFile(file(".ts", config(2))))[0]?.version).toBe(2);
      expect(process.sourceMapsEnabled).toBe(false);
      // One that CommonJS cannot load (top-level await) goes through tsx's ESM loader.
      const awaiting = file(".ts", `const version: number = await Promise.resolve(3);\n${config(1).replace("version: 1", "version")}`);
      expect((await loadConfigFile(awaiting))[0]?.version).toBe(3);
      expect(process.sourceMapsEnabled).toBe(false);
    } finally {
      process.setSourceMapsEnabled(before);
    }
  });

  it("names the file, the type and the field of each mistake", async () => {
    const cases: Array<[string, string]> = [
      [withVisit((v) => { v.fields.score = { merge: "maximum" }; }), 'type "visit", field "fields.score.merge"'],
      [withVisit((v) => { v.fields.site = { merge: "counter" }; }), 'type "visit", field "fields.site.merge": "counter" needs a field of type number or integer, not string'],
      [withVisit((v) => { v.fields.colour = { merge: "lww" }; }), 'type "visit", field "fields.colour": is not a property of the schema'],
      [withVisit((v) => { v.unique_fields = ["code"]; }), 'type "visit", field "unique_fields.0"'],
      [withVisit((v) => { v.schema.requried = ["site"]; }), 'type "visit", field "schema": is not a valid JSON Schema: strict mode: unknown keyword: "requried"'],
      [withVisit((v) => { v.version = 0; }), 'type "visit", field "version"'],
      [withVisit((v) => { v.policy = "newest"; }), 'type "visit", field "policy"'],
      [file(".json", JSON.stringify({ types: { blob: visit().types.visit } })), 'type "blob": is the name of a type built into Syncdesk'],
      [file(".json", JSON.stringify({ types: { visit: visit().types.visit, stop: visit().types.visit } })), 'type "stop", field "watermelon.table": table visits is already the table of type "visit"'],
      [file(".json", JSON.stringify({ types: {} })), "declares no types"],
    ];
    for (const [at, where] of cases) {
      const message = await failure(at);
      expect(message.startsWith(path.relative(process.cwd(), at))).toBe(true);
      expect(message).toContain(where);
    }
  });

  it("refuses unreadable files with a message naming them", async () => {
    expect(await failure(file(".json", "{ not json"))).toMatch(/is not valid JSON/);
    expect(await failure(file(".yaml", "types: {}"))).toMatch(/a config is a .json, .ts or .mjs file/);
    expect(await failure(path.join(dir, "missing.json"))).toMatch(/missing.json: cannot be read \(ENOENT\)/);
    expect(await failure(file(".ts", "export default {{"))).toMatch(/cannot be loaded/);
  });
});
