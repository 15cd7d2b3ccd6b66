// Integration tests have one home, test/<domain>/; unit tests sit beside the code they test.
// A `*.integration.test.ts` elsewhere would still run, but nobody would look for it there.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIPPED = new Set(["node_modules", ".next", ".data", ".git"]);

function integrationTestsOutsideTest(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const home = dir === root && entry.name === "test";
      return SKIPPED.has(entry.name) || home ? [] : integrationTestsOutsideTest(path);
    }
    return entry.name.endsWith(".integration.test.ts") ? [relative(root, path)] : [];
  });
}

describe("test layout", () => {
  it("keeps every integration test under test/", () => {
    expect(integrationTestsOutsideTest(root)).toEqual([]);
  });
});
