// The engine names no app type: the demo's types live in syncdesk.config.ts, and a team's in its
// own config. A type name quoted in server source would mean a team has to fork the server again.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import demo from "@/syncdesk.config";

const root = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sources(at);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [at] : [];
  });
}

it("quotes none of the demo app's type names anywhere in server/", () => {
  const names = Object.keys(demo.types);
  expect(names.length).toBeGreaterThan(3);
  const quoted = new RegExp(`["'\`](${names.join("|")})["'\`]`);
  const files = sources(root);
  expect(files.length).toBeGreaterThan(100);
  const offending = files.filter((file) => quoted.test(readFileSync(file, "utf8"))).map((file) => path.relative(root, file));
  expect(offending).toEqual([]);
});
