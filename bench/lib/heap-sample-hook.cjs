// Profiling aid for the benchmark's server (bench/lib/server.ts, BENCH_SERVER_NODE_OPTIONS):
// `--require bench/lib/heap-sample-hook.cjs` starts V8's sampling heap profiler in every process
// that loads it, counting objects the GC has collected too (what was allocated, not what is
// live); SIGUSR2, and every BENCH_HEAP_PROFILE_SECONDS (when set), writes what it has to
// $BENCH_PROFILE_DIR/<pid>-t<thread>-<n>.heapprofile and starts again. `npx tsx bench/heap-summary.ts`
// sums the sizes per function (or open the file in Chrome's DevTools) to see who allocates.
const { Session } = require("node:inspector");
const { threadId } = require("node:worker_threads");
const { writeFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_PROFILE_DIR || "/tmp";
mkdirSync(dir, { recursive: true });
const session = new Session();
session.connect();
let n = 0;
// BENCH_HEAP_SURVIVORS=1: leave out what scavenges collected, so the profile shows what survived
// them (promoted to the old generation, then live or collected by a full GC): what grows the old
// generation between full GCs.
const minor = process.env.BENCH_HEAP_SURVIVORS !== "1";
const start = () => session.post("HeapProfiler.startSampling", {
  samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: minor,
});
start();
const write = () => {
  session.post("HeapProfiler.stopSampling", (error, result) => {
    if (!error) writeFileSync(path.join(dir, `${process.pid}-t${threadId}-${n++}.heapprofile`), JSON.stringify(result.profile));
    start();
  });
};
process.on("SIGUSR2", write);
const every = Number(process.env.BENCH_HEAP_PROFILE_SECONDS ?? 0);
if (every > 0) setInterval(write, every * 1000).unref();
