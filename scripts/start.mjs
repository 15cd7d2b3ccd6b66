// `npm start`: builds when the build is missing or stale, then runs `next start`.
// `next start` reads PORT itself (default 3000), so the port needs no handling here. Signals are
// forwarded so Ctrl-C and container stops reach the server.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Next.js telemetry is off: an install may be offline, and nothing leaves it unasked. The build and
// the server below inherit this.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const buildId = path.join(root, ".next", "BUILD_ID");

// Inputs of the build. Generated code is excluded: `npm install` regenerates it without any
// source change, and the build regenerates it anyway.
// packages/: the server imports @syncdesk/protocol from its sources (tsconfig `paths`).
const SOURCE_DIRS = ["app", "server", "components", "prisma", "packages"];
const SOURCE_FILES = [
  "instrumentation.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
];
// A package's dist/ is only what `npm pack` ships; the server never reads it.
const SKIP = new Set([
  path.join(root, "server", "db", "generated"),
  path.join(root, "node_modules"),
  ...["protocol", "client"].map((name) => path.join(root, "packages", name, "dist")),
]);

/** True as soon as one input is newer than `since` (stops at the first one found). */
function changedSince(since) {
  const newer = (file) => statSync(file).mtimeMs > since;
  if (SOURCE_FILES.some((file) => existsSync(path.join(root, file)) && newer(path.join(root, file)))) {
    return true;
  }
  const pending = SOURCE_DIRS.map((dir) => path.join(root, dir)).filter((dir) => existsSync(dir));
  while (pending.length > 0) {
    const dir = pending.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(full)) pending.push(full);
      } else if (entry.isFile() && newer(full)) {
        return true;
      }
    }
  }
  return false;
}

function run(args, label) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`npm start: ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}

const stale = !existsSync(buildId) || changedSince(statSync(buildId).mtimeMs);
if (stale) {
  process.stdout.write(existsSync(buildId) ? "Sources changed; rebuilding\n" : "No build yet; building\n");
  run([path.join(root, "scripts", "prisma-generate.mjs")], "prisma generate");
  run([nextBin, "build"], "next build");
}

// The console's next-auth needs its public URL: NEXTAUTH_URL when set (production behind a
// proxy), otherwise the request's Host header, so `npm start` works on any port as it is.
const serverEnv = { ...process.env };
if (!serverEnv.NEXTAUTH_URL) serverEnv.AUTH_TRUST_HOST ??= "true";
// One malloc arena. glibc gives threads arenas of their own, and what V8's background compilers
// and libuv's pool threads allocate there stays resident: the first sync request's modules left
// ~40 MiB in them, the push burst's peak RSS fell from 316-334 to 246 MiB with one arena
// (docs/deployment.md "Memory"). Set MALLOC_ARENA_MAX yourself to choose otherwise.
serverEnv.MALLOC_ARENA_MAX ??= "1";
// V8's old generation may grow to twice its live size before a full collection. Left to itself V8
// picks the factor from how fast the old generation grew lately: after a quiet spell it chose 1.1,
// and then every 8 MiB of request bytes (socket buffers count against the same limit) started
// another full mark of the whole heap, back to back, for as long as uploads kept arriving
// (2-3x the CPU per chunk; bench/profiles/2026-12-09-uploads.md, docs/deployment.md "Memory").
// NODE_OPTIONS cannot carry this flag, hence here.
const server = spawn(process.execPath, ["--heap-growing-percent=100", nextBin, "start", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: serverEnv,
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => {
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
