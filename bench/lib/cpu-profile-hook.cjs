// Profiling aid for the benchmark's server (bench/lib/server.ts, BENCH_SERVER_NODE_OPTIONS):
// `--require bench/lib/cpu-profile-hook.cjs` in the served process starts node:inspector's CPU
// profiler; SIGUSR2 writes what it has to $BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile and starts a
// new one. Only the process that listens is of interest, but every process that loads the hook
// (start.mjs, next start) profiles itself: the files are told apart by pid.
const { Session } = require("node:inspector");
const { writeFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_PROFILE_DIR || "/tmp";
mkdirSync(dir, { recursive: true });
const session = new Session();
session.connect();
let n = 0;
const start = () => session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 200 }, () => session.post("Profiler.start")));
start();
process.on("SIGUSR2", () => {
  session.post("Profiler.stop", (error, result) => {
    if (!error) writeFileSync(path.join(dir, `${process.pid}-${n++}.cpuprofile`), JSON.stringify(result.profile));
    start();
  });
});
