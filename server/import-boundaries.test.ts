// The one-way flow of STYLE.md, checked on the sources: route or procedure -> domain -> db. The
// engine (server/sync) reaches the database only through its SQL adapter and knows nothing of HTTP,
// uploads or the console domains; only server/** imports the Prisma client.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["generated", "node_modules", "dist"].includes(entry.name) ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

/** Every module specifier a file imports (static and dynamic), resolved to a root-relative path when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1] ?? "");
  return specs.map((spec) => {
    if (spec.startsWith("@/")) return spec.slice(2);
    return spec.startsWith(".") ? path.relative(root, path.resolve(root, path.dirname(file), spec)) : spec;
  });
}

const offending = (files: string[], forbidden: RegExp) =>
  files.flatMap((file) => importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${file} -> ${spec}`));

it("keeps the engine (server/sync) free of HTTP, uploads, the console domains and the ORM", () => {
  const engine = sourceFiles("server/sync");
  expect(engine.length).toBeGreaterThan(10);
  expect(offending(engine, /^server\/(http|uploads|conflicts|batches|trpc|staff)\b|generated\/client|^@prisma\//)).toEqual([]);
});

it("lets only server/** import the Prisma client", () => {
  const outside = ["app", "components", "packages"].flatMap(sourceFiles);
  expect(outside.length).toBeGreaterThan(10);
  expect(offending(outside, /^server\/db\/(client|generated)|^@prisma\//)).toEqual([]);
});

it("keeps the packages others install (packages/) free of the server's code", () => {
  const packages = sourceFiles("packages");
  expect(packages.length).toBeGreaterThan(20);
  // Within the repository a package reaches the other only by its name (`@syncdesk/protocol`),
  // as it will once installed: never by a path into the other package or the server.
  const offenders = packages.flatMap((file) => {
    const own = file.split(path.sep).slice(0, 2).join("/");
    return importsOf(file).filter((spec) => /^(server|app|components|test|scripts|sdk)\//.test(spec) || (spec.startsWith("packages/") && !spec.startsWith(own)) || spec.startsWith("@/")).map((spec) => `${file} -> ${spec}`);
  });
  expect(offenders).toEqual([]);
});
