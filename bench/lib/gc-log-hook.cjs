// Profiling aid for the benchmark's server (bench/lib/server.ts, BENCH_SERVER_NODE_OPTIONS):
// `--require bench/lib/gc-log-hook.cjs` logs every GC of the served process (`next start`) to
// $BENCH_PROFILE_DIR/<pid>.gc.log: its kind, duration and V8's space sizes just after it (used/size,
// MiB). Old space growing by MiBs per minor GC means scavenges promote whole requests' data
// (bench/profiles/2026-12-06-bootstrap-memory.md). BENCH_V8_FLAGS (space-separated) are set with
// v8.setFlagsFromString in that process, for experiments only (NODE_OPTIONS refuses most V8 flags).
const { appendFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const { PerformanceObserver, constants } = require("node:perf_hooks");
const { isMainThread } = require("node:worker_threads");

const served = isMainThread && process.argv.includes("start") && !process.argv[1]?.endsWith("start.mjs");
if (served) {
  for (const flag of (process.env.BENCH_V8_FLAGS || "").split(" ").filter(Boolean)) v8.setFlagsFromString(flag);
  const dir = process.env.BENCH_PROFILE_DIR || "/tmp";
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}.gc.log`);
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor", [constants.NODE_PERFORMANCE_GC_MAJOR]: "MAJOR",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental", [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak",
  };
  const mib = (bytes) => (bytes / 1048576).toFixed(1);
  new PerformanceObserver((list) => {
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s]));
    const size = (name) => `${mib(spaces[name]?.space_used_size ?? 0)}/${mib(spaces[name]?.space_size ?? 0)}`;
    for (const e of list.getEntries()) {
      appendFileSync(file, `${(e.startTime / 1000).toFixed(2)}s ${kinds[e.detail?.kind] ?? e.detail?.kind} ${e.duration.toFixed(1)}ms ` +
        `new=${size("new_space")} old=${size("old_space")} lo=${size("large_object_space")} newlo=${size("new_large_object_space")}\n`);
    }
  }).observe({ entryTypes: ["gc"] });
}
