// The simulation behind `npm run simulate`: devices act until the time is up, then come online
// and sync until nothing moves, and the run checks that every device of a user, and every
// device's view of the shared stream, ended up identical, and that the server serves every
// finished upload's bytes (same sha256).
import { createHash } from "node:crypto";
import { canonicalJson } from "../server/sync/canonical";
import type { ViewRecord } from "@syncdesk/client";
import { SimDevice, type DeviceStats } from "./simulate-device";

export type SimulationOptions = {
  url: string;
  devices: number;
  users: number;
  durationMs: number;
  seed: number;
  /** Mean pause between a device's actions. */
  thinkMs: number;
  /** Actions each device takes even past the deadline (tests use it instead of a long run). */
  minActions?: number;
  mintJwt: (userId: string, streams: string[]) => Promise<string>;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
};

export type Progress = { elapsedMs: number; online: number; totals: Totals };
export type Totals = Omit<DeviceStats, "syncMs"> & { pending: number };
export type Summary = {
  runId: string; durationMs: number; totals: Totals; syncP50: number; syncP95: number;
  converged: boolean; mismatches: string[]; records: number;
};

/** mulberry32: a small deterministic generator in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
};

async function totalsOf(devices: SimDevice[]): Promise<Totals> {
  const totals: Totals = {
    edits: 0, syncs: 0, offlineSyncs: 0, failedSyncs: 0, pushed: 0, pulled: 0,
    conflicts: 0, resolved: 0, bootstraps: 0, offlinePeriods: 0, pending: 0,
    uploads: 0, uploadedBytes: 0, resumedUploads: 0, failedUploads: 0,
  };
  for (const d of devices) {
    for (const key of Object.keys(totals) as (keyof Totals)[]) if (key !== "pending") totals[key] += d.stats[key];
    totals.pending += await d.client.pendingCount();
  }
  return totals;
}

const view = (rows: ViewRecord[]) =>
  rows.map((r) => `${r.stream}/${r.type}/${r.id}@${r.version}:${canonicalJson(r.data)}`).sort().join("\n");

export async function runSimulation(options: SimulationOptions): Promise<Summary> {
  const runId = `sim-${options.seed.toString(36)}-${Date.now().toString(36)}`;
  const org = `org:${runId}`;
  const random = seeded(options.seed);
  const devices: SimDevice[] = [];
  for (let i = 0; i < options.devices; i++) {
    const userId = `${runId}-u${i % options.users}`;
    const jwt = await options.mintJwt(userId, [org]);
    devices.push(new SimDevice(`${runId}-d${i}`, userId, org, options.url, jwt, seeded(Math.floor(random() * 2 ** 31))));
  }
  const started = Date.now();
  const deadline = started + options.durationMs;
  const timer = setInterval(() => {
    void totalsOf(devices).then((totals) =>
      options.onProgress?.({ elapsedMs: Date.now() - started, online: devices.filter((d) => d.online).length, totals }),
    );
  }, options.progressEveryMs ?? 5000);
  try {
    await Promise.all(devices.map(async (d, i) => {
      await sleep((i * options.thinkMs) / options.devices); // a staggered start
      await d.sync();
      for (let steps = 0; Date.now() < deadline || steps < (options.minActions ?? 0); steps++) {
        await d.step();
        await sleep(options.thinkMs * (0.2 + 1.6 * random()));
      }
    }));
  } finally {
    clearInterval(timer);
  }

  // Everyone online; sync round after round until no device pushes anything.
  for (const d of devices) d.online = true;
  for (let round = 0; round < 5; round++) {
    const before = (await totalsOf(devices)).pushed;
    for (const d of devices) await d.sync();
    if ((await totalsOf(devices)).pushed === before && (await totalsOf(devices)).pending === 0) break;
  }
  for (const d of devices) await d.sync();

  const mismatches: string[] = [];
  const byUser = new Map<string, string>();
  const shared = new Map<string, string>();
  let records = 0;
  for (const d of devices) {
    const rows = await d.client.list();
    records = Math.max(records, rows.length);
    const own = view(rows.filter((r) => r.stream !== org));
    const orgView = view(rows.filter((r) => r.stream === org));
    if ((byUser.get(d.userId) ?? own) !== own) mismatches.push(`${d.name} differs from another device of ${d.userId}`);
    byUser.set(d.userId, own);
    if ((shared.get(org) ?? orgView) !== orgView) mismatches.push(`${d.name} sees ${org} differently`);
    shared.set(org, orgView);
  }
  for (const d of devices) mismatches.push(...(await checkUploads(d)));
  const totals = await totalsOf(devices);
  if (totals.pending > 0) mismatches.push(`${totals.pending} edits still pending`);
  const syncMs = devices.flatMap((d) => d.stats.syncMs);
  return {
    runId, durationMs: Date.now() - started, totals, records,
    syncP50: percentile(syncMs, 0.5), syncP95: percentile(syncMs, 0.95),
    converged: mismatches.length === 0, mismatches,
  };
}

/** Downloads each of the device's finished uploads and compares its sha256. */
async function checkUploads(d: SimDevice): Promise<string[]> {
  const problems: string[] = [];
  for (const u of d.uploaded) {
    const response = await fetch(`${d.url.replace(/\/+$/, "")}/api/v1/blobs/${u.key}`, { headers: { authorization: `Bearer ${d.jwt}` } });
    if (!response.ok) {
      problems.push(`${d.name}: blob ${u.key} answered ${response.status}`);
      continue;
    }
    const sha256 = createHash("sha256").update(new Uint8Array(await response.arrayBuffer())).digest("hex");
    if (sha256 !== u.sha256) problems.push(`${d.name}: blob ${u.key} has other bytes than uploaded`);
  }
  return problems;
}
