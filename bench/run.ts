// `npm run bench [-- --quick] [-- --only=push,pull,...]`: Syncdesk's speed as ratios measured
// side by side in one run (README "Performance"). Creates a fresh local PostgreSQL database,
// starts a production server on it, runs the measures, prints the table and writes
// bench/results/latest.{json,md,svg}. Everything it starts is stopped and dropped at the end,
// also on failure or Ctrl-C.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, dropDatabase, openPool } from "./lib/db";
import { textTable, verdictOf, writeResults } from "./lib/report";
import { peakRssMiB, resetPeakRss, startSyncdesk, type RunningServer } from "./lib/server";
import { summarize } from "./lib/stats";
import type { Config, Ctx, Row } from "./lib/types";
import { measureBootstrap } from "./measures/bootstrap";
import { measureBreakdown } from "./measures/breakdown";
import { measureCapture } from "./measures/capture";
import { measureTablePush } from "./measures/table-push";
import { measureConsole } from "./measures/console";
import { measureHistory } from "./measures/history";
import { measureLive } from "./measures/live";
import { measurePeer } from "./measures/peer";
import { measurePull } from "./measures/pull";
import { measurePush } from "./measures/push";
import { measureRecords } from "./measures/records";
import { measureUploads } from "./measures/uploads";
import { measureWebhooks } from "./measures/webhooks";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",");

const CONFIG: Config = quick
  ? {
      quick,
      push: { devices: 50, bundles: 2, items: 100, rounds: 3 },
      webhooks: { devices: 50, bundles: 2, items: 100, rounds: 3, receiverDelayMs: 2000 },
      pull: { history: 10_000, devices: 5, limit: 1000, rounds: 3 },
      bootstrap: { sizes: [20_000, 100_000], limit: 5000, rounds: 3 },
      history: { small: 10_000, large: 500_000, pulls: 10, rounds: 3 },
      peer: { clients: 50, bundles: 1, items: 100, rounds: 2 },
      console: { small: 100, large: 100_000, calls: 15, rounds: 3 },
      records: { small: 1000, large: 100_000, calls: 15, rounds: 3 },
      uploads: { bytes: 256 * 2 ** 20, chunk: 8 * 2 ** 20 },
      live: { connections: 2000, processes: 2, single: 30, shared: 3 },
    }
  : {
      quick,
      push: { devices: 50, bundles: 4, items: 100, rounds: 5 },
      webhooks: { devices: 50, bundles: 4, items: 100, rounds: 5, receiverDelayMs: 2000 },
      pull: { history: 20_000, devices: 10, limit: 1000, rounds: 5 },
      bootstrap: { sizes: [100_000, 1_000_000], limit: 5000, rounds: 3 },
      history: { small: 10_000, large: 5_000_000, pulls: 20, rounds: 5 },
      peer: { clients: 50, bundles: 4, items: 100, rounds: 3 },
      console: { small: 100, large: 100_000, calls: 100, rounds: 7 },
      records: { small: 1000, large: 1_000_000, calls: 50, rounds: 5 },
      uploads: { bytes: 2 ** 30, chunk: 8 * 2 ** 20 },
      live: { connections: 10_000, processes: 2, single: 50, shared: 5 },
    };

type Measure = { id: string; run: (ctx: Ctx) => Promise<Row[]> };

const runId = `${process.pid}_${Date.now().toString(36)}`;
// Bootstrap and uploads first: their peak RSS is then the server's own for that work, not the
// heap that 50 concurrent pushes left grown (V8 keeps it for a while; a quick run's uploads
// started at 360-400 MiB after the push measure). That peak is reported separately at the end.
const MEASURES: Measure[] = [
  { id: "bootstrap", run: measureBootstrap },
  { id: "uploads", run: measureUploads },
  { id: "push", run: measurePush },
  { id: "webhooks", run: measureWebhooks },
  { id: "pull", run: measurePull },
  { id: "history", run: measureHistory },
  { id: "peer", run: measurePeer },
  { id: "console", run: (ctx) => measureConsole(ctx, runId) },
  { id: "records", run: (ctx) => measureRecords(ctx, runId) },
  { id: "capture", run: measureCapture },
  { id: "table-push", run: measureTablePush },
  { id: "breakdown", run: measureBreakdown },
  // Last: thousands of connections grow the heap, which V8 keeps (the peak row below stops before it).
  { id: "live", run: measureLive },
];

const started = Date.now();
const log = (message: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);

function gitCommit(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "app", "server", "prisma"], { cwd: root, encoding: "utf8" }).trim();
    return dirty ? `${sha} (with uncommitted changes in app/server/prisma)` : sha;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const dbName = `syncdesk_bench_${runId}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: unknown) => log(`cleanup: ${String(e)}`));
  };
  const onSignal = () => {
    log("interrupted; stopping the server and dropping the database");
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const notes: string[] = [];
  const rows: Row[] = [];
  try {
    log(`mode: ${quick ? "quick" : "full"}; database ${dbName}`);
    const databaseUrl = await createDatabase(dbName);
    cleanups.push(() => dropDatabase(dbName));
    log("starting the production server (node scripts/start.mjs; builds first when the build is stale)");
    const serverStart = Date.now();
    const server: RunningServer = await startSyncdesk(root, databaseUrl, 15 * 60_000);
    cleanups.push(() => server.stop());
    log(`server up in ${((Date.now() - serverStart) / 1000).toFixed(0)} s on ${server.url} (next-server pid ${server.pid})`);
    const rawPool = openPool(databaseUrl, 10);
    const admin = openPool(databaseUrl, 4);
    cleanups.push(() => rawPool.end(), () => admin.end());
    const ctx: Ctx = { cfg: CONFIG, root, server, databaseUrl, rawPool, admin, progress: log };
    let peakBeforeLive: number | undefined;
    for (const measure of MEASURES) {
      if (only && !only.includes(measure.id)) continue;
      if (measure.id === "live") peakBeforeLive = peakRssMiB(server.pid);
      // The stage breakdown explains the full run; a quick run has it only when asked for.
      if (quick && !only && measure.id === "breakdown") continue;
      log(`== ${measure.id}`);
      const t = Date.now();
      try {
        rows.push(...(await measure.run(ctx)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`${measure.id} failed: ${message}`);
        rows.push({ id: measure.id, name: measure.id, unit: "", value: null, ratio: null, target: null, skipped: `failed: ${message.slice(0, 200)}` });
      }
      log(`${measure.id} took ${((Date.now() - t) / 1000).toFixed(0)} s`);
      if (measure.id === "bootstrap" || measure.id === "uploads") resetPeakRss(server.pid);
      if (process.env.BENCH_PROFILE_SIGNAL) {
        // Profiling aid: a --require'd hook in the server writes a CPU profile on this signal.
        process.kill(server.pid, process.env.BENCH_PROFILE_SIGNAL as NodeJS.Signals);
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
    if (!only || only.some((id) => ["push", "pull", "history", "peer"].includes(id))) {
      rows.push({
        id: "server-rss", name: "Server peak RSS during push, pull, history and peer (informational)", unit: "MiB",
        value: summarize([peakBeforeLive ?? peakRssMiB(server.pid)]), ratio: null, target: null,
        notes: `idle after start: ${server.idleRssMiB.toFixed(0)} MiB`,
      });
    }
    notes.push(
      `Server: \`next start\` in production mode on PostgreSQL${quick ? " (quick mode: smaller data sets)" : ""}, Prisma pool of 10 connections; the raw-SQL limits use a \`pg\` pool of the same 10 connections at the same client concurrency.`,
      "Client, server, PostgreSQL and (for the peer) pouchdb-server share the machine's 2 cores with other work; the client does as little as it can (responses are read as text, not parsed).",
      `Responses are requested uncompressed (Accept-Encoding: ${process.env.BENCH_ENCODING ?? "identity"}), as the raw limits produce them; BENCH_ENCODING=gzip measures what a phone would ask for.`,
      "CPU per operation (in the notes) is read from /proc for the server process and from process.cpuUsage() for the benchmark process (HTTP client, or the raw side): it says where the time goes when the machine is saturated.",
      "Request rate limits stay on (every request is counted in the shared database counters, as in production, claimed by the server in blocks of 1% of the limit, at most 100) with RATE_LIMIT_DEVICE_REQUESTS and RATE_LIMIT_USER_REQUESTS set to 1,000,000 per window, so the benchmark's few very fast users are never refused.",
      "The peer's pouchdb-server syncs every LevelDB write before answering (bench/lib/pouch-durable.cjs), as PostgreSQL fsyncs each commit: both sides durable.",
      "Bootstrap runs first, on the freshly started server, so its peak RSS (VmHWM, reset per size) is its own; the informational row at the end is the peak over the other measures.",
    );
  } catch (error) {
    log(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    await cleanup();
    return 1;
  }
  await cleanup();
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${textTable(rows)}\n\n`);
  const files = writeResults(path.join(root, "bench", "results"), rows, {
    mode: quick ? "quick" : "full", startedAt: new Date(started).toISOString(), seconds, commit: gitCommit(),
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, shared with other work`, notes,
  });
  log(`wrote ${path.relative(root, files.json)}, ${path.relative(root, files.md)}, ${path.relative(root, files.svg)}`);
  const missed = rows.filter((r) => verdictOf(r) === "MISS").map((r) => r.id);
  log(missed.length ? `missed targets: ${missed.join(", ")}` : "every measured target met");
  return 0;
}

process.exitCode = await main();
