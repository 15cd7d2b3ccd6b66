// `npm run simulate -- --devices 50 --minutes 2 [--url http://localhost:3000] [--users 20] [--seed 7]`
// Drives realistic traffic through the SDK against a running server: devices edit while offline,
// edit shared records concurrently (conflicts), sync, resolve. Prints progress and a summary, and
// exits 1 if the devices did not converge. Tokens are minted with this server's development
// secret (as `npm run token` does), so run it where the server's DATA_DIR / env are.
import { parseArgs } from "node:util";
import { env } from "../server/env";
import { mintDeviceJwt } from "../server/http/dev-token";
import { runSimulation, type Progress } from "./simulate-run";

const USAGE = "Usage: npm run simulate -- [--devices 50] [--minutes 2] [--url http://localhost:3000] [--users N] [--think-ms 800] [--seed N]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number`);
  return n;
}

function line(p: Progress): string {
  const t = p.totals;
  return `[${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s] online ${p.online}  edits ${t.edits}  syncs ${t.syncs} (+${t.failedSyncs} failed, ${t.offlineSyncs} offline)  pushed ${t.pushed}  pulled ${t.pulled}  conflicts ${t.conflicts} (resolved ${t.resolved})  pending ${t.pending}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: "string" }, minutes: { type: "string" }, url: { type: "string" }, users: { type: "string" },
      "think-ms": { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void console.log(USAGE);
  const config = env();
  if (config.NODE_ENV === "production" && config.databaseKind === "postgres") fail("Refusing to simulate against a production deployment");
  const secret = config.SYNC_JWT_SECRET;
  if (!secret) fail("SYNC_JWKS_URL is set: the simulator cannot mint tokens for your identity provider");
  const devices = Math.floor(positive(values.devices, "devices", 50));
  const minutes = positive(values.minutes, "minutes", 2);
  const url = values.url ?? `http://localhost:${config.PORT}`;
  const users = Math.floor(positive(values.users, "users", Math.max(1, Math.ceil(devices / 3))));
  const seed = Math.floor(positive(values.seed, "seed", Date.now() % 2 ** 31));
  const health = await fetch(`${url}/api/health`).catch(() => null);
  if (!health?.ok) fail(`No Syncdesk server answers at ${url} (start one with npm run dev or npm start)`);

  console.log(`Simulating ${devices} devices of ${users} users for ${minutes} min against ${url} (seed ${seed})`);
  const summary = await runSimulation({
    url, devices, users, seed, durationMs: minutes * 60_000,
    thinkMs: positive(values["think-ms"], "think-ms", 800),
    mintJwt: (userId, streams) => mintDeviceJwt({ userId, streams, secret, issuer: config.SYNC_JWT_ISSUER, audience: config.SYNC_JWT_AUDIENCE }),
    onProgress: (p) => console.log(line(p)),
  });
  const t = summary.totals;
  console.log(`\nSummary of ${summary.runId} (${(summary.durationMs / 1000).toFixed(0)} s, then synced to quiescence)`);
  console.log(`  edits ${t.edits}, offline periods ${t.offlinePeriods}, syncs ${t.syncs} (failed ${t.failedSyncs}, skipped offline ${t.offlineSyncs})`);
  console.log(`  pushed ${t.pushed} edits, pulled ${t.pulled} changes, re-bootstraps ${t.bootstraps}`);
  console.log(`  conflicts ${t.conflicts}, resolved by the apps ${t.resolved}`);
  console.log(`  uploads ${t.uploads} (${(t.uploadedBytes / 1024).toFixed(0)} KiB, resumed ${t.resumedUploads}, cut off or refused ${t.failedUploads}), each downloaded again and checked`);
  console.log(`  sync latency p50 ${summary.syncP50} ms, p95 ${summary.syncP95} ms; up to ${summary.records} records per device`);
  console.log(summary.converged ? "  converged: every device of a user, and every view of the shared stream, is identical" : `  NOT converged:\n    ${summary.mismatches.join("\n    ")}`);
  process.exit(summary.converged ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exit(1);
});
