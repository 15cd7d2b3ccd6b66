// (1) Push: concurrent devices pushing bundles of new records over HTTP, against the raw-SQL
// limit: the same rows (sync_batches row claimed then answered, records, changes, stream head
// locked FOR UPDATE and advanced) written through `pg` in one transaction per bundle, at the same
// concurrency, over as many connections as the server's pool has.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { makeDevice, push, pushBody, type Device } from "../lib/client";
import { inTransaction } from "../lib/db";
import { canonical, makeDoc, sha256, type Doc } from "../lib/records";
import { now, percentiles, pool, summarize, withCpu } from "../lib/stats";
import { cpuSeconds, peakRssMiB, resetPeakRss, rssMiB } from "../lib/server";
import type { Ctx, Row } from "../lib/types";

export type Side = { rate: number; latencies: number[]; cpuMsPerBundle: number; localCpuMsPerBundle: number };

let seedCounter = 0;
const bundleDocs = (items: number) => Array.from({ length: items }, () => makeDoc(++seedCounter));

/** One round of every device pushing `bundles` bundles over HTTP, all devices at once. */
export async function httpRound(ctx: Ctx, devices: Device[], bundles: number, items: number): Promise<Side> {
  const work = devices.map((d) => Array.from({ length: bundles }, () => pushBody(d, bundleDocs(items))));
  const latencies: number[] = [];
  const cpu = cpuSeconds(ctx.server.pid);
  const started = now();
  const { cpuMs } = await withCpu(() => pool(devices, devices.length, async (device, i) => {
    for (const body of work[i] ?? []) latencies.push(await push(ctx.server.url, device, body));
  }));
  const rate = (devices.length * bundles * items) / ((now() - started) / 1000);
  const n = devices.length * bundles;
  return { rate, latencies, cpuMsPerBundle: ((cpuSeconds(ctx.server.pid) - cpu) * 1000) / n, localCpuMsPerBundle: cpuMs / n };
}

export type RawDevice = { userId: string; ref: string; stream: string; nextBundle: number };

export async function rawBundle(db: pg.Pool, device: RawDevice, docs: Doc[]): Promise<void> {
  const request = {
    device_id: `${device.userId}-phone`, bundle_id: device.nextBundle++, mode: "partial",
    items: docs.map((d) => ({ type: d.type, id: d.id, action: "create", data: d.data, updated_at: d.updatedAt })),
  };
  const batchId = randomUUID();
  const hash = sha256(canonical(request));
  const checksums = docs.map((d) => `sha256:${sha256(canonical(d.data))}`);
  const datas = docs.map((d) => JSON.stringify(d.data));
  await inTransaction(db, async (c) => {
    await c.query(
      `INSERT INTO sync_batches (id, user_id, device_ref, bundle_id, request_hash, request, response, mode, status,
         item_count, ok_count, error_count, conflict_count, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, '{}', 'partial', 'processing', $7, 0, 0, 0, now())`,
      [batchId, device.userId, device.ref, request.bundle_id, hash, JSON.stringify(request), docs.length],
    );
    await c.query("INSERT INTO streams (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [device.stream]);
    const head = Number((await c.query<{ head_seq: string }>("SELECT head_seq FROM streams WHERE name = $1 FOR UPDATE", [device.stream])).rows[0]?.head_seq);
    const seqs = docs.map((_, i) => head + i + 1);
    const at = docs.map((d) => d.updatedAt);
    await c.query(
      `INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
       SELECT $1, t, id, 1, d, false, cs, u, s FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[], $7::bigint[]) AS x(t, id, d, cs, u, s)
       ON CONFLICT (stream, type, id) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
         checksum = EXCLUDED.checksum, updated_at = EXCLUDED.updated_at, last_seq = EXCLUDED.last_seq`,
      [device.stream, docs.map((d) => d.type), docs.map((d) => d.id), datas, checksums, at, seqs],
    );
    await c.query(
      `INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, batch_id, conflict)
       SELECT $1, s, t, id, 'upsert', 1, d, u, $2::uuid, NULL FROM unnest($3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[]) AS x(s, t, id, d, u)`,
      [device.stream, batchId, seqs, docs.map((d) => d.type), docs.map((d) => d.id), datas, at],
    );
    await c.query("UPDATE streams SET head_seq = $2, updated_at = now() WHERE name = $1", [device.stream, head + docs.length]);
    const response = {
      batch_id: batchId, bundle_id: request.bundle_id, status: "applied", processed_at: new Date().toISOString(),
      results: docs.map((d, index) => ({ index, client_temp_id: null, id: d.id, status: "ok", version: 1 })),
    };
    await c.query("UPDATE sync_batches SET response = $2, status = 'applied', ok_count = $3 WHERE id = $1", [batchId, JSON.stringify(response), docs.length]);
  });
}

async function rawRound(db: pg.Pool, devices: RawDevice[], bundles: number, items: number): Promise<Side> {
  const work = devices.map(() => Array.from({ length: bundles }, () => bundleDocs(items)));
  const latencies: number[] = [];
  const started = now();
  const { cpuMs } = await withCpu(() => pool(devices, devices.length, async (device, i) => {
    for (const docs of work[i] ?? []) {
      const t = now();
      await rawBundle(db, device, docs);
      latencies.push(now() - t);
    }
  }));
  const n = devices.length * bundles;
  return { rate: (devices.length * bundles * items) / ((now() - started) / 1000), latencies, cpuMsPerBundle: cpuMs / n, localCpuMsPerBundle: cpuMs / n };
}

export async function rawDevices(db: pg.Pool, count: number, prefix = "raw-push"): Promise<RawDevice[]> {
  const devices: RawDevice[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `${prefix}-${i}`;
    const { rows } = await db.query<{ id: string }>(
      "INSERT INTO devices (id, user_id, device_id, streams) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id",
      [userId, `${userId}-phone`, [`user:${userId}`]],
    );
    devices.push({ userId, ref: rows[0]?.id ?? "", stream: `user:${userId}`, nextBundle: 1 });
  }
  return devices;
}

export async function measurePush(ctx: Ctx): Promise<Row[]> {
  const { devices: count, bundles, items, rounds } = ctx.cfg.push;
  const devices = await Promise.all(Array.from({ length: count }, (_, i) => makeDevice(`push-${i}`)));
  const raw = await rawDevices(ctx.rawPool, count);
  // The push's own peak (issue 21: < 300 MiB), not what an earlier measure left the server at.
  const rssBefore = rssMiB(ctx.server.pid);
  const reset = resetPeakRss(ctx.server.pid);
  await httpRound(ctx, devices, 1, items); // warm-up: JIT, connections, device registration
  await rawRound(ctx.rawPool, raw, 1, items);
  const http: Side[] = [];
  const limit: Side[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first so drift in the machine's load does not favour one.
    if (r % 2 === 0) {
      http.push(await httpRound(ctx, devices, bundles, items));
      limit.push(await rawRound(ctx.rawPool, raw, bundles, items));
    } else {
      limit.push(await rawRound(ctx.rawPool, raw, bundles, items));
      http.push(await httpRound(ctx, devices, bundles, items));
    }
    ctx.progress(`push round ${r + 1}/${rounds}: http ${http.at(-1)?.rate.toFixed(0)}/s, raw ${limit.at(-1)?.rate.toFixed(0)}/s`);
  }
  const peak = peakRssMiB(ctx.server.pid);
  const h = summarize(http.map((s) => s.rate));
  const l = summarize(limit.map((s) => s.rate));
  const ratio = summarize(http.map((s, i) => s.rate / (limit[i]?.rate ?? NaN)));
  const hl = percentiles(http.flatMap((s) => s.latencies));
  const ll = percentiles(limit.flatMap((s) => s.latencies));
  const cpuMs = summarize(http.map((s) => s.cpuMsPerBundle)).median;
  const clientMs = summarize(http.map((s) => s.localCpuMsPerBundle)).median;
  const rawMs = summarize(limit.map((s) => s.cpuMsPerBundle)).median;
  return [
    {
      id: "push", name: `Push: ${count} devices x ${items}-item bundles`, unit: "changes/s",
      value: h, reference: l, referenceLabel: "raw SQL (pg)", ratio, target: { op: ">=", value: 0.7 },
      notes: `latency p50/p99: HTTP ${hl.p50.toFixed(0)}/${hl.p99.toFixed(0)} ms, raw ${ll.p50.toFixed(0)}/${ll.p99.toFixed(0)} ms; CPU per bundle: server ${cpuMs.toFixed(1)} ms, HTTP client ${clientMs.toFixed(1)} ms, raw ${rawMs.toFixed(1)} ms`,
      extra: { server_cpu_ms_per_bundle: cpuMs, client_cpu_ms_per_bundle: clientMs, raw_cpu_ms_per_bundle: rawMs, http_p50_ms: hl.p50, http_p99_ms: hl.p99, raw_p50_ms: ll.p50, raw_p99_ms: ll.p99, changes_per_round: count * bundles * items },
    },
    {
      id: "push-rss", name: `Push: server peak RSS during the ${count} devices' pushes`, unit: "MiB",
      value: summarize([peak]), ratio: null, target: { op: "<", value: 300, on: "value" },
      notes: `${reset ? "VmHWM of next-server, reset before the warm-up round" : "VmHWM since server start"}; RSS before: ${rssBefore.toFixed(0)} MiB, idle after start: ${ctx.server.idleRssMiB.toFixed(0)} MiB`,
    },
  ];
}

/** One raw device for the stage breakdown. */
export async function rawBundleForProfile(db: pg.Pool) {
  const [device] = await rawDevices(db, 1, `raw-profile-${Date.now()}`);
  if (!device) throw new Error("no device");
  return { push: (docs: Doc[]) => rawBundle(db, device, docs) };
}
