// Issue 20's "done when": a project outside the repository installs the packed client and nothing
// else of ours, syncs against Syncdesk, and gets a compile error for a wrongly typed or misspelled
// field of its own type. The packages are built and packed as `npm publish` would (npm pack runs
// their prepack build); the project gets the tarballs, zod and typescript from npm (the local
// cache first), the generated types of the server's config, and e2e/support/packed-app's files.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "../support/fixtures";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = path.join(root, "e2e/support/packed-app");
const versionOf = (pkg: string) => JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")).version as string;

let dir = "";
let app = "";

test.describe.configure({ mode: "serial", timeout: 600_000 });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  dir = mkdtempSync(path.join(os.tmpdir(), "syncdesk-packed-"));
  app = path.join(dir, "app");
  await run("npm", ["pack", "--pack-destination", dir, "-w", "@syncdesk/protocol", "-w", "@syncdesk/client"], { cwd: root });
  const tarballs = readdirSync(dir).filter((f) => f.endsWith(".tgz")).map((f) => path.join(dir, f));
  expect(tarballs.map((t) => path.basename(t)).sort()).toEqual(["syncdesk-client-0.1.0.tgz", "syncdesk-protocol-0.1.0.tgz"]);

  mkdirSync(app);
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "packed-app", private: true, type: "module" }));
  // The same zod and typescript versions as the repository's, so the npm cache answers.
  const deps = [...tarballs, `zod@${versionOf("zod")}`, `typescript@${versionOf("typescript")}`];
  await run("npm", ["install", ...deps, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
  // The app's types, written by the repository's own script from the config the server runs with.
  await run(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/types-generate.ts", "--out", path.join(app, "syncdesk-types.ts")], { cwd: root });
  for (const file of ["sync-script.mjs", "usage.ts", "tsconfig.json"]) copyFileSync(path.join(fixture, file), path.join(app, file));
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the project holds only the packed packages, built to ESM and CommonJS with declarations", async () => {
  const installed = readdirSync(path.join(app, "node_modules", "@syncdesk")).sort();
  expect(installed).toEqual(["client", "protocol"]);
  const client = path.join(app, "node_modules/@syncdesk/client");
  expect(readdirSync(client).sort()).toEqual(["README.md", "dist", "package.json"]);
  for (const file of ["dist/esm/index.js", "dist/esm/index.d.ts", "dist/cjs/index.js", "dist/esm/react/index.d.ts", "dist/esm/storage/expo-sqlite.js"]) {
    expect(readdirSync(path.dirname(path.join(client, file)))).toContain(path.basename(file));
  }
  // `require` works too (React Native tooling, CommonJS apps).
  const { stdout } = await run(process.execPath, ["-e", "const c = require('@syncdesk/client'); console.log(typeof c.SyncClient, typeof require('@syncdesk/client/expo-sqlite').openExpoSqliteStorage)"], { cwd: app });
  expect(stdout.trim()).toBe("function function");
});

test("a Node script with the installed client bootstraps, pushes, pulls and resolves a conflict", async ({ baseURL, deviceJwt }) => {
  const code = `pk-${Date.now().toString(36)}`;
  const jwt = await deviceJwt(`packed-${code}`);
  const { stdout } = await run(process.execPath, ["sync-script.mjs"], {
    cwd: app,
    env: { ...process.env, SYNCDESK_URL: baseURL, SYNCDESK_JWT: jwt, CODE: code },
  });
  const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
  expect(summary.first).toMatchObject({ pushed: 1, bootstrapped: true });
  expect(summary.memoTempId).toMatch(/^tmp-/);
  expect(summary.memoId).not.toBe(summary.memoTempId);
  expect(summary.tabletFirst.bootstrapped).toBe(true);
  expect(summary.pulledMemo).toEqual({ content: "Buy milk", tags: ["home"], pinned: false });
  expect(summary.conflicts).toEqual([{ kind: "stored", type: "meter", local: { code, reading: 3, unit: "kWh" } }]);
  expect(summary.conflictsAfter).toBe(0);
  expect(summary.resolved).toEqual({ code, reading: 3, unit: "kWh" });
  expect(summary.pending).toBe(0);
});

test("the app's types reach the client: a wrong field type and a misspelled field do not compile", async () => {
  const tsc = path.join(app, "node_modules/typescript/bin/tsc");
  // With `@ts-expect-error` on both lines, tsc passes: each of them errs (an unused directive fails).
  await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app });

  const source = readFileSync(path.join(app, "usage.ts"), "utf8");
  writeFileSync(path.join(app, "usage-broken.ts"), source.replace(/^\s*\/\/ @ts-expect-error.*\n/gm, ""));
  writeFileSync(path.join(app, "tsconfig.broken.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["usage-broken.ts"] }));
  const failed = await run(process.execPath, [tsc, "-p", "tsconfig.broken.json", "--pretty", "false"], { cwd: app }).then(
    () => null,
    (error: { code?: number; stdout?: string }) => error,
  );
  expect(failed?.code).toBeGreaterThan(0);
  const errors = (failed?.stdout ?? "").split("\n").filter((line) => /error TS\d+/.test(line));
  expect(errors).toHaveLength(2);
  expect(errors[0]).toMatch(/^usage-broken\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'boolean'/);
  expect(errors[1]).toMatch(/^usage-broken\.ts\(\d+,\d+\): error TS2561: .*'contnet' does not exist in type 'Memo'/);
});
