// `npx tsx bench/bootstrap-memory.ts [size] [rounds]`: the server's memory while one device
// bootstraps `size` records (default 1,000,000) `rounds` times (default 3), without the raw
// reference rounds of the benchmark's bootstrap measure: the peak RSS (VmHWM) and the RSS after each
// round. For finding what grows with the data set (bench/profiles/2026-12-06-bootstrap-memory.md):
// BENCH_SERVER_NODE_OPTIONS with bench/lib/memory-hook.cjs or heap-sample-hook.cjs works as in
// `npm run bench`. Wrap it in `flock /tmp/bench.lock`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrap, makeDevice } from "./lib/client";
import { createDatabase, dropDatabase, openPool } from "./lib/db";
import { analyze, seedRecords } from "./lib/seed";
import { peakRssMiB, resetPeakRss, rssMiB, startSyncdesk } from "./lib/server";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const size = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const limit = 5000;
const log = (message: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

const dbName = `syncdesk_bench_mem_${process.pid}`;
const url = await createDatabase(dbName);
const server = await startSyncdesk(root, url, 15 * 60_000);
const admin = openPool(url, 2);
try {
  log(`server pid ${server.pid}, idle RSS ${server.idleRssMiB.toFixed(0)} MiB; seeding ${size}`);
  const stream = "user:mem";
  await seedRecords(admin, stream, size);
  await analyze(admin, "records", "streams");
  resetPeakRss(server.pid);
  log(`seeded; RSS ${rssMiB(server.pid).toFixed(0)} MiB`);
  for (let r = 0; r < rounds; r++) {
    const started = Date.now();
    const got = await bootstrap(server.url, await makeDevice("mem", `mem-d${r}`), limit);
    const seconds = (Date.now() - started) / 1000;
    log(`round ${r + 1}: ${got.records} records in ${seconds.toFixed(1)} s (${(got.records / seconds).toFixed(0)}/s); ` +
      `peak ${peakRssMiB(server.pid).toFixed(0)} MiB, RSS ${rssMiB(server.pid).toFixed(0)} MiB`);
  }
} finally {
  await admin.end();
  await server.stop();
  await dropDatabase(dbName);
}
