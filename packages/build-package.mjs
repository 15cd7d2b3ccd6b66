// Builds the workspace package in the current directory (`npm run build -w <name>`, and `prepack`):
// ESM and declarations with tsc into dist/esm, then every module of it turned into CommonJS with
// esbuild into dist/cjs (React Native tooling and `require` users), one file each so the subpath
// exports share one copy of the code. In the repository the sources are used directly (tsconfig
// `paths`); dist/ exists to be packed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { transformSync } from "esbuild";

const require = createRequire(import.meta.url);
const dir = process.cwd();
const dist = path.join(dir, "dist");
const typescript = path.dirname(require.resolve("typescript/package.json"));
const tscBin = path.join(typescript, JSON.parse(readFileSync(path.join(typescript, "package.json"), "utf8")).bin.tsc);

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [tscBin, "-p", "tsconfig.build.json"], { cwd: dir, stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** The files under `root` whose name passes `keep`, relative to it. */
function filesUnder(root, keep, rel = "") {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(rel, entry.name);
    if (entry.isDirectory()) return filesUnder(root, keep, file);
    return keep(entry.name) ? [file] : [];
  });
}

const esm = path.join(dist, "esm");
const cjs = path.join(dist, "cjs");

// The sources import each other without extensions, as the rest of the repository does (Next's
// bundler does not map "./x.js" to "./x.ts"); Node's ESM loader and NodeNext type resolution
// need the file itself, so tsc's output gets ".js" (or "/index.js") on every relative specifier.
const RELATIVE = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)(["'])/g;
function withExtensions(file, code, suffix) {
  return code.replace(RELATIVE, (whole, head, spec, tail) => {
    const target = path.resolve(path.dirname(file), spec);
    if (existsSync(`${target}${suffix}`)) return `${head}${spec}.js${tail}`;
    if (existsSync(path.join(target, `index${suffix}`))) return `${head}${spec}/index.js${tail}`;
    return whole;
  });
}
for (const file of filesUnder(esm, (name) => name.endsWith(".js") || name.endsWith(".d.ts"))) {
  const full = path.join(esm, file);
  writeFileSync(full, withExtensions(full, readFileSync(full, "utf8"), file.endsWith(".d.ts") ? ".d.ts" : ".js"));
}

for (const file of filesUnder(esm, (name) => name.endsWith(".js"))) {
  const { code } = transformSync(readFileSync(path.join(esm, file), "utf8"), { format: "cjs", target: "es2022", sourcefile: file });
  mkdirSync(path.dirname(path.join(cjs, file)), { recursive: true });
  writeFileSync(path.join(cjs, file), code);
}
// The package is "type": "module"; this marks dist/cjs's .js files as CommonJS.
writeFileSync(path.join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
console.log(`${path.basename(dir)}: built dist/esm and dist/cjs`);
