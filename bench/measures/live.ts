// Live connections: N concurrent Server-Sent Events connections (docs/protocol.md "Live") to the
// one server, opened on loopback by separate client processes (bench/lib/live-clients.ts), one
// device (user, JWT, sync token) per connection. Measured:
//   1. the server's RSS per connection: VmRSS after opening all, minus before, over N;
//   2. poke latency to one device: a pusher writes one record to a device's own stream; from
//      the push's answer (the commit as the pusher sees it) to that device's poke;
//   3. poke latency to all N: one record into a stream every connection shares; from the answer
//      to each connection's poke, and to the last one (the time to reach all N).
// Both sides stamp with the host's clock (performance.timeOrigin + performance.now()). A poke can
// beat the push's own answer (the server pokes right after the commit, then answers): those
// latencies are negative, and kept as they are.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { mintDeviceJwt } from "../../server/http/dev-token";
import { signPullToken } from "../../server/sync/tokens";
import { makeDoc } from "../lib/records";
import { rssMiB, SECRETS } from "../lib/server";
import { percentiles, summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

const SHARED = "org:live-bench";
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Conn = { jwt: string; deviceId: string; token: string; streams: string[] };
type Client = { child: ChildProcess; next(type: string): Promise<Record<string, unknown>> };

function startClient(root: string): Client {
  // Each client holds up to N sockets: the file-descriptor limit must allow them (`ulimit -n`).
  const child = fork(path.join(root, "bench", "lib", "live-clients.ts"), [], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on("message", (message: Record<string, unknown>) => {
    const index = waiting.findIndex((w) => w.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(message);
  });
  return { child, next: (type) => new Promise((resolve) => waiting.push({ type, resolve })) };
}

async function makeConns(count: number, runTag: string): Promise<Conn[]> {
  const exp = Math.floor(Date.now() / 1000) + 4 * 3600;
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const userId = `live-${runTag}-${i}`;
    const deviceId = `${userId}-phone`;
    const streams = [SHARED, `user:${userId}`];
    const jwt = await mintDeviceJwt({ userId, streams: [SHARED], secret: SECRETS.SYNC_JWT_SECRET, expiresIn: "4h" });
    // A device that bootstrapped empty streams: position 0 everywhere, no type filter.
    const token = signPullToken(SECRETS.SYNC_TOKEN_SECRET, { u: userId, d: deviceId, s: Object.fromEntries(streams.map((s) => [s, 0])), f: null, t: {}, exp });
    return { jwt, deviceId, token, streams };
  }));
}

let seed = 5_000_000;
/** One 1-item push into `stream`; returns the host clock when its answer arrived. */
async function pushOne(url: string, userId: string, stream: string, bundleId: number): Promise<{ sent: number; answered: number }> {
  const jwt = await mintDeviceJwt({ userId, streams: stream.startsWith("user:") ? [] : [stream], secret: SECRETS.SYNC_JWT_SECRET, expiresIn: "1h" });
  const doc = makeDoc(++seed);
  const body = JSON.stringify({ device_id: `${userId}-pusher`, bundle_id: bundleId, items: [{ type: doc.type, id: doc.id, stream, action: "create", data: doc.data, updated_at: doc.updatedAt }] });
  const sent = clock();
  const res = await fetch(`${url}/api/v1/sync/push`, { method: "POST", headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" }, body });
  const text = await res.text();
  const answered = clock();
  if (!res.ok || !text.includes('"status":"applied"')) throw new Error(`live push answered ${res.status}: ${text.slice(0, 200)}`);
  return { sent, answered };
}

/** Arms every client for `stream`, pushes, and gathers each connection's arrival time. */
async function pokeRound(ctx: Ctx, clients: Client[], userId: string, stream: string, bundleId: number) {
  // Waiting first: a client with no connection on the stream answers `arrived` right after `armed`.
  const armed = clients.map((c) => c.next("armed"));
  const arrivals = clients.map((c) => c.next("arrived"));
  for (const c of clients) c.child.send({ type: "arm", stream, timeoutMs: 15_000 });
  await Promise.all(armed);
  const { sent, answered } = await pushOne(ctx.server.url, userId, stream, bundleId);
  const results = await Promise.all(arrivals);
  const times = results.flatMap((r) => r.times as number[]);
  const expected = results.reduce((n, r) => n + Number(r.expected), 0);
  return { fromAnswer: times.map((t) => t - answered), fromSent: times.map((t) => t - sent), missing: expected - times.length };
}

/** This process's soft limit of open files (children inherit it). */
function openFileLimit(): number {
  const line = /Max open files\s+(\d+|unlimited)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
  return line === undefined || line === "unlimited" ? Infinity : Number(line);
}

export async function measureLive(ctx: Ctx): Promise<Row[]> {
  const { connections: n, processes, single, shared } = ctx.cfg.live;
  const limit = openFileLimit();
  // The server (started by this process, so under the same limit) holds all n sockets.
  if (limit < n + 500) {
    const skipped = `needs \`ulimit -n\` above ${n + 500} (it is ${limit})`;
    return [{ id: "live-rss", name: `Live: ${n} SSE connections`, unit: "", value: null, ratio: null, target: null, skipped }];
  }
  const runTag = Date.now().toString(36);
  const conns = await makeConns(n, runTag);
  const clients = Array.from({ length: processes }, () => startClient(ctx.root));
  try {
    await sleep(2000);
    const before = rssMiB(ctx.server.pid);
    const opened = clients.map((c) => c.next("opened"));
    clients.forEach((c, k) => c.child.send({ type: "open", url: ctx.server.url, conns: conns.filter((_, i) => i % processes === k), concurrency: 100 }));
    const opens = await Promise.all(opened);
    const failed = opens.reduce((sum, o) => sum + Number(o.failed), 0);
    if (failed > 0) throw new Error(`${failed} of ${n} live connections failed to open: ${String(opens.find((o) => o.failed)?.firstError)}`);
    const openSeconds = Math.max(...opens.map((o) => Number(o.ms))) / 1000;
    ctx.progress(`live: ${n} connections open in ${openSeconds.toFixed(1)} s`);
    await sleep(3000);
    const after = rssMiB(ctx.server.pid);
    const perConnKiB = ((after - before) * 1024) / n;

    // 2: one device's own stream, a different device each time
    const one: number[] = [];
    const oneSent: number[] = [];
    let missing = 0;
    for (let r = 0; r < single; r++) {
      const i = Math.floor((r * n) / single);
      const round = await pokeRound(ctx, clients, `live-${runTag}-${i}`, `user:live-${runTag}-${i}`, 1);
      one.push(...round.fromAnswer);
      oneSent.push(...round.fromSent);
      missing += round.missing;
    }
    // 3: the stream all N share
    const all: number[] = [];
    const lasts: number[] = [];
    for (let r = 0; r < shared; r++) {
      const round = await pokeRound(ctx, clients, `live-${runTag}-pusher`, SHARED, r + 1);
      all.push(...round.fromAnswer);
      lasts.push(Math.max(...round.fromAnswer));
      missing += round.missing;
      ctx.progress(`live: shared poke ${r + 1}/${shared}: all ${n} reached ${Math.max(...round.fromAnswer).toFixed(0)} ms after the push's answer`);
    }
    const peak = rssMiB(ctx.server.pid);
    // Profiling aid: time to take a heap snapshot of the server with every connection open.
    if (process.env.BENCH_LIVE_HOLD_SECONDS) await sleep(Number(process.env.BENCH_LIVE_HOLD_SECONDS) * 1000);
    const p1 = percentiles(one);
    const p1s = percentiles(oneSent);
    const pa = percentiles(all);
    const lastSummary = summarize(lasts);
    const projected = before + (perConnKiB * 10_000) / 1024;
    const lost = missing > 0 ? `; ${missing} pokes never arrived within 15 s` : "";
    return [
      {
        id: "live-rss", name: `Live: server RSS per connection (${n} SSE connections)`, unit: "KiB",
        value: summarize([perConnKiB]), ratio: null, target: null,
        notes: `RSS ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB with ${n} open, ${peak.toFixed(0)} MiB after the pokes; opening all took ${openSeconds.toFixed(1)} s (${processes} client processes, 100 opening at a time)${lost}`,
        extra: { before_mib: before, after_mib: after, after_pokes_mib: peak, open_seconds: openSeconds },
      },
      {
        id: "live-rss-10k", name: n === 10_000 ? "Live: server RSS with 10,000 connections" : `Live: server RSS with 10,000 connections (projected from ${n})`, unit: "MiB",
        value: summarize([n === 10_000 ? after : projected]), ratio: null, target: { op: "<", value: 1024, on: "value" },
      },
      {
        id: "live-poke-one", name: `Live: poke p99 to a device of the pushed stream (${n} connected, ${single} pushes)`, unit: "ms",
        value: summarize([p1.p99]), ratio: null, target: { op: "<", value: 1000, on: "value" },
        notes: `from the push's answer: p50 ${p1.p50.toFixed(0)} ms, p99 ${p1.p99.toFixed(0)} ms; from the push being sent: p50 ${p1s.p50.toFixed(0)} ms, p99 ${p1s.p99.toFixed(0)} ms`,
        extra: { p50_ms: p1.p50, p99_ms: p1.p99, sent_p50_ms: p1s.p50, sent_p99_ms: p1s.p99 },
      },
      {
        id: "live-poke-all", name: `Live: poke p99 to all ${n} sharing one stream (${shared} pushes)`, unit: "ms",
        value: summarize([pa.p99]), ratio: null, target: { op: "<", value: 1000, on: "value" },
        notes: `from the push's answer, over every connection: p50 ${pa.p50.toFixed(0)} ms, p99 ${pa.p99.toFixed(0)} ms; the last of ${n} reached after ${lastSummary.median.toFixed(0)} ms (median of ${shared}; ${lastSummary.min.toFixed(0)}-${lastSummary.max.toFixed(0)})`,
        extra: { p50_ms: pa.p50, p99_ms: pa.p99, last_median_ms: lastSummary.median },
      },
    ];
  } finally {
    for (const c of clients) {
      if (c.child.connected) c.child.send({ type: "close" });
    }
    await sleep(1000);
    for (const c of clients) if (c.child.exitCode === null) c.child.kill();
  }
}
