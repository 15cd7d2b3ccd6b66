// (5) Peer: the same push-then-pull workload against pouchdb-server (CouchDB API), started on
// loopback for the run. Each client is a fresh user: Syncdesk bootstraps (empty), pushes its
// bundles, then pulls its stream from the start; CouchDB-style, each client gets its own database
// (db-per-user), POSTs the same documents to _bulk_docs, then reads _changes?include_docs=true in
// pages of the same size. Same documents, same concurrency; time to finish.
// Both durable: PostgreSQL fsyncs each commit, and pouchdb-server runs with every LevelDB write
// synced (bench/lib/pouch-durable.cjs); without it a _bulk_docs answer promises nothing on disk.
// The target is against a third side, raw SQL through `pg` writing and reading the same rows (the
// push and pull limits): Syncdesk at least 0.7 of that ceiling (raw time / Syncdesk time). A
// target against the peer said nothing Syncdesk could reach: on this machine PostgreSQL itself is
// only ~2.8x faster than pouchdb-server (issue 21). The peer stays in the table, informational.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bootstrap, makeDevice, pullAll, push, pushBody } from "../lib/client";
import { rawPullAll } from "./pull";
import { rawBundle, rawDevices } from "./push";
import { makeDoc, type Doc } from "../lib/records";
import { freePort } from "../lib/server";
import { now, pool, summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

/** Syncdesk at least 0.7 of the raw SQL ceiling on the same workload (issue 21). */
const CEILING_TARGET = { op: ">=", value: 0.7 } as const;

type Peer = { url: string; backend: string; stop(): Promise<void> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startPeer(root: string, backend: "leveldb" | "memory"): Promise<Peer> {
  const bin = path.join(root, "node_modules", "pouchdb-server", "bin", "pouchdb-server");
  if (!existsSync(bin)) throw new Error("pouchdb-server is not installed (npm install)");
  const dir = mkdtempSync(path.join(tmpdir(), "syncdesk-bench-pouch-"));
  const port = await freePort();
  // Durable like PostgreSQL's commit: every LevelDB write synced before it is answered.
  const durable = backend === "leveldb" ? ["--require", path.join(root, "bench", "lib", "pouch-durable.cjs")] : [];
  const args = [...durable, bin, "--port", String(port), "--host", "127.0.0.1", "--dir", dir, "--config", path.join(dir, "config.json"), "--no-stdout-logs"];
  if (backend === "memory") args.push("--in-memory");
  const child: ChildProcess = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-5000)));
  child.stderr?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-5000)));
  let exited = false;
  child.on("exit", () => (exited = true));
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    for (let i = 0; i < 30 && !exited; i++) await sleep(100);
    if (!exited) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (exited) break;
    try {
      const res = await fetch(url);
      if (res.ok) return { url, backend, stop };
    } catch {
      // starting
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`pouchdb-server (${backend}) did not start: ${output.slice(-1000)}`);
}

async function couch(url: string, method: string, body?: unknown): Promise<string> {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return text;
}

async function peerClient(peer: Peer, db: string, bundles: Doc[][], limit: number): Promise<number> {
  const base = `${peer.url}/${db}`;
  await couch(base, "PUT");
  for (const docs of bundles) {
    const text = await couch(`${base}/_bulk_docs`, "POST", { docs: docs.map((d) => ({ _id: d.id, type: d.type, updated_at: d.updatedAt, ...d.data })) });
    if (text.includes('"error"')) throw new Error(`_bulk_docs: ${text.slice(0, 200)}`);
  }
  let since: unknown = 0;
  let total = 0;
  for (;;) {
    const text = await couch(`${base}/_changes?include_docs=true&limit=${limit}&since=${encodeURIComponent(String(since))}`, "GET");
    const page = JSON.parse(text) as { results: unknown[]; last_seq: unknown };
    total += page.results.length;
    since = page.last_seq;
    if (page.results.length < limit) return total;
  }
}

export async function measurePeer(ctx: Ctx): Promise<Row[]> {
  const { clients, bundles, items, rounds } = ctx.cfg.peer;
  const name = `Peer: ${clients} clients push ${bundles}x${items} then pull`;
  let peer: Peer;
  try {
    peer = await startPeer(ctx.root, "leveldb");
  } catch (error) {
    ctx.progress(`peer: leveldb backend failed (${String(error).slice(0, 200)}); trying in-memory`);
    try {
      peer = await startPeer(ctx.root, "memory");
    } catch (second) {
      return [{ id: "peer", name, unit: "s", value: null, ratio: null, target: CEILING_TARGET, skipped: `pouchdb-server could not run: ${String(second).slice(0, 300)}` }];
    }
  }
  let seed = 10_000_000;
  const workload = () => Array.from({ length: clients }, () => Array.from({ length: bundles }, () => Array.from({ length: items }, () => makeDoc(++seed))));
  const expected = bundles * items;
  const syncdeskRound = async (round: number, docs: Doc[][][]) => {
    const devices = await Promise.all(docs.map((_, i) => makeDevice(`peer-${round}-${i}`)));
    const started = now();
    const got = await pool(devices, clients, async (device, i) => {
      const { token } = await bootstrap(ctx.server.url, device, 500);
      for (const bundle of docs[i] ?? []) await push(ctx.server.url, device, pushBody(device, bundle));
      return pullAll(ctx.server.url, device, token, 1000);
    });
    if (got.some((n) => n !== expected)) throw new Error(`peer/syncdesk: expected ${expected} changes per client, got ${got.join(",")}`);
    return (now() - started) / 1000;
  };
  const peerRound = async (round: number, docs: Doc[][][]) => {
    const started = now();
    const got = await pool(docs, clients, (bundlesOfClient, i) => peerClient(peer, `bench-${round}-${i}`, bundlesOfClient, 1000));
    if (got.some((n) => n !== expected)) throw new Error(`peer/pouchdb: expected ${expected} changes per client, got ${got.join(",")}`);
    return (now() - started) / 1000;
  };
  const rawRound = async (round: number, docs: Doc[][][]) => {
    const devices = await rawDevices(ctx.rawPool, clients, `raw-peer-${round}`);
    const started = now();
    const got = await pool(devices, clients, async (device, i) => {
      for (const bundle of docs[i] ?? []) await rawBundle(ctx.rawPool, device, bundle);
      return rawPullAll(ctx.rawPool, device.stream, 1000);
    });
    if (got.some((n) => n !== expected)) throw new Error(`peer/raw: expected ${expected} changes per client, got ${got.join(",")}`);
    return (now() - started) / 1000;
  };
  const ours: number[] = [];
  const theirs: number[] = [];
  const raws: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const docs = workload();
      // The order rotates so that drift in the machine's load favours no side.
      const sides = [
        async () => ours.push(await syncdeskRound(r, docs)),
        async () => theirs.push(await peerRound(r, docs)),
        async () => raws.push(await rawRound(r, docs)),
      ];
      for (let k = 0; k < sides.length; k++) await sides[(r + k) % sides.length]?.();
      ctx.progress(`peer round ${r + 1}/${rounds}: syncdesk ${ours.at(-1)?.toFixed(2)} s, pouchdb-server ${theirs.at(-1)?.toFixed(2)} s, raw SQL ${raws.at(-1)?.toFixed(2)} s`);
    }
  } finally {
    await peer.stop();
  }
  const docsPerRound = clients * expected;
  const backend = peer.backend === "leveldb" ? "LevelDB in a temp dir, writes synced like a PostgreSQL commit" : "in memory";
  const peerOverRaw = summarize(theirs.map((t, i) => t / (raws[i] ?? NaN)));
  return [
    {
      id: "peer", name: `${name}: Syncdesk against the raw SQL ceiling`, unit: "s per round",
      value: summarize(ours), reference: summarize(raws), referenceLabel: "raw SQL (pg): the same rows written and read as the push and pull limits",
      ratio: summarize(raws.map((r, i) => r / (ours[i] ?? NaN))), ratioLabel: "raw time / Syncdesk time", target: CEILING_TARGET,
      notes: `${docsPerRound.toLocaleString("en")} documents pushed and pulled per round`,
      extra: { docs_per_round: docsPerRound, raw_seconds: summarize(raws).median, peer_seconds: summarize(theirs).median },
    },
    {
      id: "peer-pouchdb", name: `${name}: Syncdesk against pouchdb-server (informational)`, unit: "s per round",
      value: summarize(ours), reference: summarize(theirs), referenceLabel: `pouchdb-server 4.2 (${backend})`,
      ratio: summarize(theirs.map((t, i) => t / (ours[i] ?? NaN))), ratioLabel: "peer time / Syncdesk time", target: null,
      notes: `same rounds as the row above; raw SQL is ${peerOverRaw.median.toFixed(2)}x faster than the peer here`,
      extra: { peer_backend: peer.backend, raw_ceiling_ratio: peerOverRaw.median },
    },
  ];
}
