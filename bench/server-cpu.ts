// `npx tsx bench/server-cpu.ts [rounds] [only]`: the production server's own CPU per request, one request
// at a time, for the requests of the ratio measures (issue 21): an empty pull page (also of a device
// last seen two minutes before), a pull page of 1,000 changes, a 100-item push, a bootstrap page of
// 5,000 records and an 8 MiB upload chunk.
// Read from /proc (utime + stime of next-server) before and after each batch of requests, so load
// from other work on the machine adds little to it, unlike the wall-clock ratios of `npm run bench`.
// Writes nothing but its table; the figures go into bench/profiles/*.md by hand.
import { createHash, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { createDatabase, dropDatabase, openPool } from "./lib/db";
import { bootstrap, makeDevice, pullPage, push, pushBody, type Device } from "./lib/client";
import { makeUploadAgent, putBytes } from "./lib/put-bytes";
import { makeDoc } from "./lib/records";
import { analyze, seedChanges, seedRecords } from "./lib/seed";
import { cpuSeconds, startSyncdesk, type RunningServer } from "./lib/server";
import { summarize } from "./lib/stats";

const rounds = Number(process.argv[2] ?? 3);
/** Optional: only the requests whose label contains this word (`upload`, `pull`, ...). */
const only = process.argv[3];
const root = process.cwd();
const name = `syncdesk_bench_cpu_${process.pid}`;

/** Server CPU ms per call of `fn` over `n` calls, after a few warm-up calls. */
async function perCall(server: RunningServer, n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(-1 - i);
  const before = cpuSeconds(server.pid);
  for (let i = 0; i < n; i++) await fn(i);
  return ((cpuSeconds(server.pid) - before) * 1000) / n;
}

async function uploadChunks(server: RunningServer, device: Device, block: Buffer<ArrayBuffer>, chunks: number): Promise<void> {
  const headers = { authorization: `Bearer ${device.jwt}`, "x-device-id": device.deviceId };
  const size = block.length * chunks;
  const hash = createHash("sha256");
  for (let i = 0; i < chunks; i++) hash.update(block);
  const sha256 = `sha256:${hash.digest("hex")}`;
  const created = await fetch(`${server.url}/api/v1/uploads`, {
    method: "POST", headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ filename: "cpu.bin", size, content_type: "application/octet-stream", sha256 }),
  });
  if (created.status !== 201) throw new Error(`upload create: ${created.status} ${await created.text()}`);
  const info = (await created.json()) as { upload_url: string };
  const url = new URL(info.upload_url, server.url).toString();
  // node:http as the uploads measure sends them (bench/lib/put-bytes.ts: fetch's copies cost CPU beside the server).
  const agent = makeUploadAgent();
  try {
    for (let offset = 0; offset < size; offset += block.length) {
      const range = `bytes ${offset}-${offset + block.length - 1}/${size}`;
      const res = await putBytes(agent, url, { ...headers, "content-type": "application/octet-stream", "content-range": range }, block);
      if (res.status < 200 || res.status > 299) throw new Error(`chunk: ${res.status} ${res.text}`);
    }
  } finally {
    agent.destroy();
  }
}

const url = await createDatabase(name);
const admin = openPool(url, 2);
let server: RunningServer | undefined;
try {
  server = await startSyncdesk(root, url, 15 * 60_000);
  const s = server;
  const results: Record<string, number[]> = {};
  const note = (label: string, ms: number) => (results[label] ??= []).push(ms);
  const wanted = (label: string) => !only || label.includes(only);

  const empty = await makeDevice("cpu-empty");
  const emptyToken = (await bootstrap(s.url, empty, 10)).token;
  const puller = await makeDevice("cpu-pull");
  const pullToken = (await bootstrap(s.url, puller, 10)).token;
  await seedChanges(admin, "user:cpu-pull", 1, 3000);
  const pusher = await makeDevice("cpu-push");
  await bootstrap(s.url, pusher, 10);
  const booter = await makeDevice("cpu-boot");
  await seedRecords(admin, "user:cpu-boot", 6000);
  await analyze(admin, "changes", "records", "streams");
  const block = randomBytes(8 * 2 ** 20);
  const uploader = await makeDevice("cpu-upload");
  let seed = 0;

  // Profiling (bench/profiles/2026-12-05.md): one profile of the set-up, one of the rounds.
  const profiling = Boolean(process.env.BENCH_SERVER_NODE_OPTIONS);
  if (profiling) process.kill(s.pid, "SIGUSR2");
  for (let r = 0; r < rounds; r++) {
    if (wanted("pull, empty page")) note("pull, empty page", await perCall(s, 200, () => pullPage(s.url, empty, emptyToken, 1)));
    // A phone that polls less often than last_seen_at's resolution (a minute): its device row is
    // stale on every call (server/devices/register.ts). The bench's own statement makes it so.
    if (wanted("pull, empty page, last seen 2 min ago")) note("pull, empty page, last seen 2 min ago", await perCall(s, 100, async () => {
      await admin.query("UPDATE devices SET last_seen_at = now() - interval '2 minutes' WHERE user_id = $1 AND device_id = $2", [empty.userId, empty.deviceId]);
      await pullPage(s.url, empty, emptyToken, 1);
    }));
    if (wanted("pull, page of 1,000 changes")) note("pull, page of 1,000 changes", await perCall(s, 60, async () => {
      const page = await pullPage(s.url, puller, pullToken, 1000);
      if (page.changes !== 1000) throw new Error(`pull: ${page.changes} changes`);
    }));
    if (wanted("push, 100 items")) note("push, 100 items", await perCall(s, 40, () => push(s.url, pusher, pushBody(pusher, Array.from({ length: 100 }, () => makeDoc(++seed))))));
    if (wanted("bootstrap, page of 5,000 records")) note("bootstrap, page of 5,000 records", await perCall(s, 15, async () => {
      const text = await (await fetch(`${s.url}/api/v1/sync/bootstrap`, {
        method: "POST", headers: { authorization: `Bearer ${booter.jwt}`, "content-type": "application/json", "accept-encoding": "identity" },
        body: JSON.stringify({ device_id: booter.deviceId, limit: 5000 }),
      })).text();
      if (!text.includes('"more":true')) throw new Error(`bootstrap: ${text.slice(0, 200)}`);
    }));
    // Per chunk: 4 uploads of 4 chunks, create included (its share is a quarter request per chunk).
    if (wanted("upload, 8 MiB chunk")) note("upload, 8 MiB chunk", (await perCall(s, 4, () => uploadChunks(s, uploader, block, 4))) / 4);
    process.stdout.write(`round ${r + 1}/${rounds} done\n`);
  }
  if (profiling) process.kill(s.pid, "SIGUSR2");
  process.stdout.write("\nserver CPU per request (ms), median [min-max] over rounds\n");
  for (const [label, values] of Object.entries(results)) {
    const sum = summarize(values);
    process.stdout.write(`${label.padEnd(36)} ${sum.median.toFixed(2).padStart(7)} [${sum.min.toFixed(2)}-${sum.max.toFixed(2)}]\n`);
  }
} finally {
  // The uploads are never completed: their partial files would pile up in the data directory.
  const { rows } = await admin.query<{ storage_key: string }>("SELECT storage_key FROM upload_sessions").catch(() => ({ rows: [] }));
  for (const row of rows) rmSync(path.resolve(root, process.env.DATA_DIR ?? ".data", "blobs", row.storage_key), { force: true });
  await server?.stop();
  await admin.end();
  await dropDatabase(name);
}
