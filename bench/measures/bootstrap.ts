// (3) Bootstrap: one device hydrating N records over HTTP in pages of `limit`, against the raw
// keyset SELECT of the same pages plus JSON.stringify; and the server's peak RSS while it serves
// them (VmHWM, reset before each size), which must stay bounded and the same at every size.
import type pg from "pg";
import { bootstrap, makeDevice } from "../lib/client";
import { analyze, seedRecords } from "../lib/seed";
import { cpuSeconds, peakRssMiB, resetPeakRss, rssMiB } from "../lib/server";
import { now, summarize, withCpu } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

type RecordRow = { stream: string; type: string; id: string; version: number; data: unknown; deleted: boolean; checksum: string; updated_at: Date };

async function rawBootstrap(db: pg.Pool, stream: string, head: number, limit: number): Promise<number> {
  let after: [string, string, string] = ["", "", ""];
  let total = 0;
  for (;;) {
    const { rows } = await db.query<RecordRow>(
      `SELECT stream, type, id, version, data, deleted, checksum, updated_at FROM records
       WHERE stream = $1 AND NOT deleted AND last_seq <= $2 AND (stream, type, id) > ($3, $4, $5)
       ORDER BY stream, type, id LIMIT $6`,
      [stream, head, ...after, limit + 1],
    );
    const page = rows.slice(0, limit);
    const items = page.map((r) => ({
      type: r.type, id: r.id, stream: r.stream, version: r.version, data: r.data, deleted: r.deleted,
      updated_at: r.updated_at.toISOString(), checksum: r.checksum,
    }));
    JSON.stringify({ items, cursor: "x".repeat(300), more: rows.length > limit, token: null, server_time: new Date().toISOString() });
    total += page.length;
    const last = page.at(-1);
    if (rows.length <= limit || !last) return total;
    after = [last.stream, last.type, last.id];
  }
}

export async function measureBootstrap(ctx: Ctx): Promise<Row[]> {
  const { sizes, limit, rounds } = ctx.cfg.bootstrap;
  const rows: Row[] = [];
  const peaks: number[] = [];
  for (const size of sizes) {
    const user = `boot-${size}`;
    const stream = `user:${user}`;
    ctx.progress(`bootstrap: seeding ${size.toLocaleString("en")} records`);
    await seedRecords(ctx.admin, stream, size);
    await analyze(ctx.admin, "records", "streams");
    let deviceNo = 0;
    const pages = Math.ceil(size / limit);
    const cpu = { server: [] as number[], client: [] as number[], raw: [] as number[] };
    const httpRound = async () => {
      const device = await makeDevice(user, `${user}-d${deviceNo++}`);
      const server = cpuSeconds(ctx.server.pid);
      const started = now();
      const { result: got, cpuMs } = await withCpu(() => bootstrap(ctx.server.url, device, limit));
      const rate = size / ((now() - started) / 1000);
      if (got.records !== size) throw new Error(`bootstrap: expected ${size} records, got ${got.records}`);
      cpu.server.push(((cpuSeconds(ctx.server.pid) - server) * 1000) / pages);
      cpu.client.push(cpuMs / pages);
      return rate;
    };
    const rawRound = async () => {
      const started = now();
      const { result: got, cpuMs } = await withCpu(() => rawBootstrap(ctx.rawPool, stream, size, limit));
      const rate = size / ((now() - started) / 1000);
      if (got !== size) throw new Error(`raw bootstrap: expected ${size}, got ${got}`);
      cpu.raw.push(cpuMs / pages);
      return rate;
    };
    const before = rssMiB(ctx.server.pid);
    const reset = resetPeakRss(ctx.server.pid);
    const http: number[] = [];
    const raw: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        http.push(await httpRound());
        raw.push(await rawRound());
      } else {
        raw.push(await rawRound());
        http.push(await httpRound());
      }
      ctx.progress(`bootstrap ${size}: round ${r + 1}/${rounds}: http ${http.at(-1)?.toFixed(0)}/s, raw ${raw.at(-1)?.toFixed(0)}/s`);
    }
    const peak = peakRssMiB(ctx.server.pid);
    peaks.push(peak);
    const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
    rows.push({
      id: `bootstrap-${label}`, name: `Bootstrap: ${label} records, pages of ${limit}`, unit: "records/s",
      value: summarize(http), reference: summarize(raw), referenceLabel: "raw keyset SELECT + JSON.stringify",
      ratio: summarize(http.map((h, i) => h / (raw[i] ?? NaN))), ratioLabel: "HTTP / raw", target: { op: ">=", value: 0.8 },
      notes: `CPU per page: server ${summarize(cpu.server).median.toFixed(1)} ms, HTTP client ${summarize(cpu.client).median.toFixed(1)} ms, raw ${summarize(cpu.raw).median.toFixed(1)} ms`,
      extra: { server_cpu_ms_per_page: summarize(cpu.server).median, client_cpu_ms_per_page: summarize(cpu.client).median, raw_cpu_ms_per_page: summarize(cpu.raw).median },
    });
    rows.push({
      id: `bootstrap-rss-${label}`, name: `Bootstrap: server peak RSS at ${label}`, unit: "MiB",
      value: summarize([peak]), ratio: null, target: { op: "<", value: 300, on: "value" },
      notes: `${reset ? "VmHWM of next-server, reset before this size" : "VmHWM since server start"}; RSS before: ${before.toFixed(0)} MiB, idle after start: ${ctx.server.idleRssMiB.toFixed(0)} MiB`,
    });
  }
  const first = peaks[0] ?? NaN;
  const last = peaks.at(-1) ?? NaN;
  rows.push({
    id: "bootstrap-rss-flat", name: `Bootstrap: peak RSS at ${sizes.at(-1)?.toLocaleString("en")} vs ${sizes[0]?.toLocaleString("en")} records`,
    unit: "MiB", value: summarize([last]), reference: summarize([first]), referenceLabel: "peak RSS at the smaller size",
    ratio: summarize([last / first]), ratioLabel: "large / small", target: { op: "<=", value: 1.25 },
  });
  return rows;
}
