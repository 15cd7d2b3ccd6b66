// Usage: node scripts/lock-platform-packages.cjs package-lock.json  (after any npm install here)
// Adds the non-Linux platform packages that npmjs.org publishes for next and tailwind's oxide but that
// this machine's registry proxy does not serve (so `npm install` here left them out of the lock and
// `npm ci` then refuses the lock as out of sync). Metadata mirrors the published packages.
const fs = require("fs");
const file = process.argv[2];
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const p = lock.packages;
const add = (name, version, os, cpu, extra = {}) => {
  const key = `node_modules/${name}`;
  if (p[key]) return;
  p[key] = { version, cpu, ...extra, license: "MIT", optional: true, os, ...(extra.engines ? {} : {}) };
};
const swc = { engines: { node: ">= 10" } };
add("@next/swc-darwin-arm64", "16.4.6", ["darwin"], ["arm64"], swc);
add("@next/swc-darwin-x64", "16.4.6", ["darwin"], ["x64"], swc);
add("@next/swc-win32-arm64-msvc", "16.4.6", ["win32"], ["arm64"], swc);
add("@next/swc-win32-x64-msvc", "16.4.6", ["win32"], ["x64"], swc);
const ox = { dev: true, engines: { node: ">= 20" } };
add("@tailwindcss/oxide-android-arm64", "4.3.5", ["android"], ["arm64"], ox);
add("@tailwindcss/oxide-darwin-arm64", "4.3.5", ["darwin"], ["arm64"], ox);
add("@tailwindcss/oxide-darwin-x64", "4.3.5", ["darwin"], ["x64"], ox);
add("@tailwindcss/oxide-freebsd-x64", "4.3.5", ["freebsd"], ["x64"], ox);
add("@tailwindcss/oxide-linux-arm-gnueabihf", "4.3.5", ["linux"], ["arm"], ox);
add("@tailwindcss/oxide-wasm32-wasi", "4.3.5", undefined, ["wasm32"], { dev: true, engines: { node: ">=14.0.0" } });
add("@tailwindcss/oxide-win32-arm64-msvc", "4.3.5", ["win32"], ["arm64"], ox);
add("@tailwindcss/oxide-win32-x64-msvc", "4.3.5", ["win32"], ["x64"], ox);
// Keep npm's key order (alphabetical by path) so the diff is the additions only.
const root = p[""];
const sorted = Object.fromEntries(Object.entries(p).filter(([k]) => k !== "").sort(([a], [b]) => a.localeCompare(b, "en")));
lock.packages = { "": root, ...sorted };
for (const v of Object.values(lock.packages)) if (v.os === undefined) delete v.os;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
