// (2) Pull: devices pulling the same history in pages of 1,000 over HTTP, against the raw limit:
// the same page read with one SELECT (limit + 1 rows, as the engine reads) and shaped into the
// wire JSON with JSON.stringify, at the same concurrency over the same number of connections.
import type pg from "pg";
import { bootstrap, makeDevice, pullAll } from "../lib/client";
import { seedChanges, analyze } from "../lib/seed";
import { cpuSeconds } from "../lib/server";
import { now, pool, summarize, withCpu } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";

type ChangeRow = {
  stream: string; seq: string; type: string; record_id: string; op: string; version: number;
  data: unknown; updated_at: Date; batch_id: string | null; conflict: unknown;
};

/** One page as the raw limit: the SELECT plus the wire shape and JSON text. */
export async function rawPullPage(db: pg.Pool, stream: string, after: number, limit: number) {
  const { rows } = await db.query<ChangeRow>(
    `SELECT stream, seq, type, record_id, op, version, data, updated_at, batch_id, conflict
     FROM changes WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [stream, after, limit + 1],
  );
  const page = rows.slice(0, limit);
  const changes = page.map((r) => {
    const change: Record<string, unknown> = {
      seq: Number(r.seq), stream: r.stream, type: r.type, id: r.record_id, op: r.op, version: r.version,
      updated_at: r.updated_at.toISOString(),
    };
    if (r.data !== null) change.data = r.data;
    if (r.batch_id) change.batch_id = r.batch_id;
    if (r.conflict !== null) change.conflict = r.conflict;
    return change;
  });
  const text = JSON.stringify({ token: "x".repeat(200), changes, more: rows.length > limit, server_time: new Date().toISOString() });
  return { count: page.length, last: Number(page.at(-1)?.seq ?? after), more: rows.length > limit, bytes: text.length };
}

export async function rawPullAll(db: pg.Pool, stream: string, limit: number): Promise<number> {
  let total = 0;
  for (let after = 0; ; ) {
    const page = await rawPullPage(db, stream, after, limit);
    total += page.count;
    after = page.last;
    if (!page.more) return total;
  }
}

export async function measurePull(ctx: Ctx): Promise<Row[]> {
  const { history, devices: count, limit, rounds } = ctx.cfg.pull;
  const user = "pull-0";
  const stream = `user:${user}`;
  // Tokens from a bootstrap of the empty stream start each device at seq 0.
  const devices = await Promise.all(Array.from({ length: count }, (_, i) => makeDevice(user, `${user}-d${i}`)));
  const tokens = await Promise.all(devices.map(async (d) => (await bootstrap(ctx.server.url, d, 500)).token));
  await seedChanges(ctx.admin, stream, 1, history);
  await analyze(ctx.admin, "changes", "streams");
  const total = count * history;
  const pages = (count * history) / limit;
  const cpu = { server: [] as number[], client: [] as number[], raw: [] as number[] };
  const httpRound = async () => {
    const server = cpuSeconds(ctx.server.pid);
    const started = now();
    const { result: got, cpuMs } = await withCpu(() => pool(devices, count, (d, i) => pullAll(ctx.server.url, d, tokens[i] ?? "", limit)));
    const rate = total / ((now() - started) / 1000);
    if (got.some((n) => n !== history)) throw new Error(`pull: expected ${history} changes per device, got ${got.join(",")}`);
    cpu.server.push(((cpuSeconds(ctx.server.pid) - server) * 1000) / pages);
    cpu.client.push(cpuMs / pages);
    return rate;
  };
  const rawRound = async () => {
    const started = now();
    const { cpuMs } = await withCpu(() => pool(devices, count, () => rawPullAll(ctx.rawPool, stream, limit)));
    cpu.raw.push(cpuMs / pages);
    return total / ((now() - started) / 1000);
  };
  await httpRound();
  await rawRound();
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
    ctx.progress(`pull round ${r + 1}/${rounds}: http ${http.at(-1)?.toFixed(0)}/s, raw ${raw.at(-1)?.toFixed(0)}/s`);
  }
  return [{
    id: "pull", name: `Pull: ${count} devices, pages of ${limit}, ${history.toLocaleString("en")} changes`, unit: "changes/s",
    value: summarize(http), reference: summarize(raw), referenceLabel: "raw SELECT + JSON.stringify",
    ratio: summarize(http.map((h, i) => h / (raw[i] ?? NaN))), ratioLabel: "HTTP / raw", target: { op: ">=", value: 0.7 },
    notes: `CPU per page: server ${summarize(cpu.server).median.toFixed(1)} ms, HTTP client ${summarize(cpu.client).median.toFixed(1)} ms, raw ${summarize(cpu.raw).median.toFixed(1)} ms`,
    extra: { server_cpu_ms_per_page: summarize(cpu.server).median, client_cpu_ms_per_page: summarize(cpu.client).median, raw_cpu_ms_per_page: summarize(cpu.raw).median },
  }];
}
