// Builds the workspace package in the current directory (`npm run build -w <name>`, and `prepack`):
// ESM and declarations with tsc into dist/esm, then every module of it turned into CommonJS with
// esbuild into dist/cjs (React Native tooling and `require` users), one file each so the subpath
// exports share one copy of the code. In the repository the sources are used directly (tsconfig
// `paths`); dist/ exists to be packed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** Every .js file under `root`, relative to it. */
function modulesUnder(root, rel = "") {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(rel, entry.name);
    if (entry.isDirectory()) return modulesUnder(root, file);
    return entry.name.endsWith(".js") ? [file] : [];
  });
}

const esm = path.join(dist, "esm");
const cjs = path.join(dist, "cjs");
for (const file of modulesUnder(esm)) {
  const { code } = transformSync(readFileSync(path.join(esm, file), "utf8"), { format: "cjs", target: "es2022", sourcefile: file });
  mkdirSync(path.dirname(path.join(cjs, file)), { recursive: true });
  writeFileSync(path.join(cjs, file), code);
}
// The package is "type": "module"; this marks dist/cjs's .js files as CommonJS.
writeFileSync(path.join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
console.log(`${path.basename(dir)}: built dist/esm and dist/cjs`);
