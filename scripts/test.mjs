// `npm test`: every test tier, in order, stopping at the first failure. Nothing is skipped
// silently: a missing PostgreSQL or Playwright config is a failure with instructions, because a
// green run must mean every tier ran. Exits with the failing stage's exit code.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const postgresUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

class StageError extends Error {}

async function checkPostgres() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const where = postgresUrl.replace(/\/\/[^@/]*@/, "//");
    throw new StageError(
      [
        `PostgreSQL does not answer at ${where}: ${error instanceof Error ? error.message : error}`,
        "The integration tier runs on PostgreSQL too and is never skipped. Start a local server, e.g.",
        "  sudo service postgresql start            (Debian/Ubuntu package; or: sudo pg_ctlcluster 15 main start)",
        "  docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15",
        "or set TEST_DATABASE_URL to a local server where the user may create databases.",
      ].join("\n"),
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function checkPlaywrightConfig() {
  if (!existsSync(path.join(root, "playwright.config.ts"))) {
    throw new StageError("playwright.config.ts is missing, so the end-to-end tier cannot run.");
  }
}

const stages = [
  { name: "typecheck", command: [bin("tsc"), "--noEmit"] },
  { name: "unit", command: [bin("vitest"), "run", "--project", "unit"] },
  { name: "integration-pglite", command: [bin("vitest"), "run", "--project", "integration-pglite"] },
  {
    name: "integration-postgres",
    before: checkPostgres,
    command: [bin("vitest"), "run", "--project", "integration-postgres"],
  },
  { name: "e2e", before: checkPlaywrightConfig, command: [bin("playwright"), "test"] },
];

let child;
for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15]]) {
  process.on(signal, () => {
    child?.kill(signal);
    process.exit(128 + number);
  });
}

/** Runs a command with the terminal attached; resolves to its exit code. */
function run([file, ...args]) {
  if (!existsSync(file)) {
    throw new StageError(`${path.relative(root, file)} is not installed; run npm install first.`);
  }
  return new Promise((resolve, reject) => {
    child = spawn(file, args, { cwd: root, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const results = [];
let exitCode = 0;

for (const stage of stages) {
  process.stdout.write(`\n=== ${stage.name}: ${stage.command.map((p) => path.relative(root, p) || p).join(" ")}\n`);
  const started = Date.now();
  let code;
  let reason = "";
  try {
    await stage.before?.();
    code = await run(stage.command);
    if (code !== 0) reason = `exit code ${code}`;
  } catch (error) {
    code = 1;
    reason = error instanceof StageError ? error.message.split("\n")[0] : String(error);
    process.stderr.write(`\n${error instanceof StageError ? error.message : error?.stack ?? error}\n`);
  }
  results.push({ name: stage.name, ok: code === 0, ms: Date.now() - started, reason });
  if (code !== 0) {
    process.stdout.write(`\nStage "${stage.name}" failed; stopping here.\n`);
    exitCode = code;
    break;
  }
}

const width = Math.max(...stages.map((s) => s.name.length));
process.stdout.write("\nSummary\n");
for (const stage of stages) {
  const result = results.find((r) => r.name === stage.name);
  const label = stage.name.padEnd(width);
  if (!result) process.stdout.write(`  ${"-".padEnd(4)}  ${label}  not run\n`);
  else {
    const status = (result.ok ? "ok" : "FAIL").padEnd(4);
    const why = result.ok ? "" : `  (${result.reason})`;
    process.stdout.write(`  ${status}  ${label}  ${seconds(result.ms).padStart(6)}${why}\n`);
  }
}
const passed = results.filter((r) => r.ok).length;
const notRun = stages.length - results.length;
if (notRun > 0) process.stdout.write(`(${notRun} not run)\n`);
process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
process.exit(exitCode);
