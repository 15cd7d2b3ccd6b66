// Profiling aid for the benchmark's server (bench/lib/server.ts, BENCH_SERVER_NODE_OPTIONS):
// `--require bench/lib/memory-hook.cjs` logs process.memoryUsage() every 500 ms to
// $BENCH_PROFILE_DIR/<pid>.mem.log (rss, heap total/used, external, array buffers, in MiB), and
// SIGUSR2 writes a heap snapshot beside it. Every process that loads the hook logs (start.mjs,
// next start, and worker threads, whose lines share the process's rss but show their own heap).
const { appendFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const { isMainThread, threadId } = require("node:worker_threads");

const dir = process.env.BENCH_PROFILE_DIR || "/tmp";
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${process.pid}.mem.log`);
const started = Date.now();
const mib = (bytes) => (bytes / 1048576).toFixed(0);
setInterval(() => {
  const m = process.memoryUsage();
  const who = isMainThread ? process.argv.slice(1, 3).join(" ").slice(-50) : `worker ${threadId}`;
  appendFileSync(file, `${((Date.now() - started) / 1000).toFixed(1)}s rss=${mib(m.rss)} heapTotal=${mib(m.heapTotal)} heapUsed=${mib(m.heapUsed)} external=${mib(m.external)} arrayBuffers=${mib(m.arrayBuffers)} ${who}\n`);
}, 500).unref();
let n = 0;
if (isMainThread) process.on("SIGUSR2", () => v8.writeHeapSnapshot(path.join(dir, `${process.pid}-${n++}.heapsnapshot`)));
