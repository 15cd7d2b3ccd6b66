// Where a request's time goes: each stage of push, pull and bootstrap timed on its own, in this
// process and one call at a time, through the server's own modules (JSON, validation, hashing,
// the domain function with the ORM and SQL), next to the raw `pg` equivalent; and the server's
// CPU per request for a trivial route and for a near-empty pull (the fixed HTTP cost).
// Informational rows: they explain the ratios, they have no targets.
import { makeDevice, bootstrap, pullPage } from "../lib/client";
import { canonical, makeDoc, sha256 } from "../lib/records";
import { seedChanges, seedRecords } from "../lib/seed";
import { cpuSeconds, SECRETS } from "../lib/server";
import { quantile, summarize } from "../lib/stats";
import type { Ctx, Row } from "../lib/types";
import { rawBundleForProfile } from "./push";
import { rawPullPage } from "./pull";

type Stage = { group: string; name: string; cpuMs: number; wallMs: number };

async function stage(group: string, name: string, n: number, fn: () => Promise<unknown> | unknown): Promise<Stage> {
  for (let i = 0; i < Math.min(10, n); i++) await fn();
  const walls: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    walls.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  return { group, name, cpuMs: (used.user + used.system) / 1000 / n, wallMs: quantile(walls.sort((a, b) => a - b), 0.5) };
}

async function serverStage(ctx: Ctx, group: string, name: string, n: number, fn: () => Promise<unknown>): Promise<Stage> {
  for (let i = 0; i < 10; i++) await fn();
  const cpu = cpuSeconds(ctx.server.pid);
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return { group, name: `${name} (server process)`, cpuMs: ((cpuSeconds(ctx.server.pid) - cpu) * 1000) / n, wallMs: (performance.now() - t) / n };
}

export async function measureBreakdown(ctx: Ctx): Promise<Row[]> {
  // The server modules read their configuration lazily: give this process the run's secrets.
  Object.assign(process.env, SECRETS);
  const { openDatabase } = await import("../../server/db/client");
  const { ensureDevice } = await import("../../server/devices/register");
  const { findUnstorableJson } = await import("../../server/http/storable-json");
  const { findInexactNumbers } = await import("../../server/http/exact-json");
  const { canonicalJson, sha256Hex } = await import("../../server/sync/canonical");
  const { pullChanges } = await import("../../server/sync/pull");
  const { readBootstrapPage } = await import("../../server/sync/bootstrap");
  const { bootstrapPageJson } = await import("../../server/sync/bootstrap-json");
  const { applyPush } = await import("../../server/sync/push");
  const { ZPushRequest } = await import("@syncdesk/protocol");
  const { loadTypes, typeVersions } = await import("../../server/types/registry");
  await loadTypes();
  const database = await openDatabase({ url: ctx.databaseUrl });
  const db = database.prisma;
  const stages: Stage[] = [];
  try {
    // HTTP: the fixed cost of a request in the server process.
    const http = await makeDevice("breakdown-http");
    const { token } = await bootstrap(ctx.server.url, http, 10);
    stages.push(await serverStage(ctx, "HTTP", "GET /api/health", 100, async () => (await fetch(`${ctx.server.url}/api/health`)).text()));
    stages.push(await serverStage(ctx, "HTTP", "POST /api/v1/sync/pull, empty page", 100, () => pullPage(ctx.server.url, http, token, 1)));

    // Push: one 100-item bundle of new records.
    const caller = { userId: "breakdown", streams: ["user:breakdown"] };
    const device = await ensureDevice(db, caller, "breakdown-phone");
    let seed = 50_000_000;
    let bundleId = 1;
    const body = () => JSON.stringify({
      device_id: "breakdown-phone", bundle_id: bundleId++,
      items: Array.from({ length: 100 }, () => {
        const d = makeDoc(++seed);
        return { type: d.type, id: d.id, action: "create", data: d.data, updated_at: d.updatedAt };
      }),
    });
    const text = body();
    const parsed = JSON.parse(text) as unknown;
    const request = ZPushRequest.parse(parsed);
    stages.push(await stage("push", "JSON.parse of the body", 50, () => JSON.parse(text)));
    stages.push(await stage("push", "findUnstorableJson (edge check)", 50, () => findUnstorableJson(parsed, [])));
    stages.push(await stage("push", "findInexactNumbers (raw-text number scan)", 50, () => findInexactNumbers(text)));
    stages.push(await stage("push", "ZPushRequest.parse (zod)", 50, () => ZPushRequest.parse(parsed)));
    stages.push(await stage("push", "request hash: canonical JSON + sha256", 50, () => sha256Hex(canonicalJson(request))));
    stages.push(await stage("push", "100 record checksums", 50, () => request.items.map((i) => sha256(canonical(i.data)))));
    stages.push(await stage("push", "ensureDevice", 50, () => ensureDevice(db, caller, "breakdown-phone")));
    const bodies = Array.from({ length: 40 }, () => ZPushRequest.parse(JSON.parse(body())));
    let next = 0;
    stages.push(await stage("push", "applyPush (domain: items, ORM, SQL, commit)", 30, () => applyPush(db, device, bodies[next++ % bodies.length] ?? request)));
    const raw = await rawBundleForProfile(ctx.admin);
    stages.push(await stage("push", "raw pg bundle transaction (the limit)", 30, () => raw.push(Array.from({ length: 100 }, () => makeDoc(++seed)))));

    // Pull: a page of 1,000 changes.
    await seedChanges(ctx.admin, "user:breakdown-pull", 1, 3000);
    const puller = await ensureDevice(db, { userId: "breakdown-pull", streams: ["user:breakdown-pull"] }, "p");
    const position = { k: "pull" as const, u: "breakdown-pull", d: "p", s: { "user:breakdown-pull": 1000 }, f: null, t: typeVersions(null), exp: 2_000_000_000 };
    stages.push(await stage("pull", "Prisma findMany of 1,001 changes", 20, () =>
      db.change.findMany({ where: { stream: "user:breakdown-pull", seq: { gt: 1000n } }, orderBy: { seq: "asc" }, take: 1001 })));
    stages.push(await stage("pull", "Prisma $queryRaw of the same rows", 20, () =>
      db.$queryRaw`SELECT stream, seq, type, record_id, op, version, data, updated_at, batch_id, conflict FROM changes WHERE stream = 'user:breakdown-pull' AND seq > 1000 ORDER BY seq LIMIT 1001`));
    const page = await pullChanges(db, puller, position, 1000);
    stages.push(await stage("pull", "JSON.stringify of the page", 20, () => JSON.stringify(page)));
    stages.push(await stage("pull", "pullChanges (domain) + JSON.stringify", 20, async () => JSON.stringify(await pullChanges(db, puller, position, 1000))));
    stages.push(await stage("pull", "raw pg SELECT + wire shape + JSON.stringify (the limit)", 20, () => rawPullPage(ctx.admin, "user:breakdown-pull", 1000, 1000)));

    // Bootstrap: a page of 5,000 records.
    await seedRecords(ctx.admin, "user:breakdown-boot", 6000);
    const booter = await ensureDevice(db, { userId: "breakdown-boot", streams: ["user:breakdown-boot"] }, "b");
    const sql = `SELECT stream, type, id, version, data, deleted, checksum, updated_at FROM records
      WHERE stream = 'user:breakdown-boot' AND NOT deleted AND last_seq <= 6000 ORDER BY stream, type, id LIMIT 5001`;
    stages.push(await stage("bootstrap", "Prisma $queryRaw of 5,001 records", 10, () => db.$queryRawUnsafe(sql)));
    stages.push(await stage("bootstrap", "raw pg of the same rows", 10, () => ctx.admin.query(sql)));
    stages.push(await stage("bootstrap", "readBootstrapPage (domain) + bootstrapPageJson", 10, async () =>
      bootstrapPageJson(await readBootstrapPage(db, booter, { device_id: "b", limit: 5000 }))));
  } finally {
    await database.close();
  }
  return stages.map((s) => ({
    id: `breakdown-${s.group}-${s.name}`.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    name: `${s.group}: ${s.name}`, unit: "ms CPU", section: "breakdown",
    value: summarize([s.cpuMs]), ratio: null, target: null,
    notes: `${s.wallMs.toFixed(2)} ms wall (median)`,
    extra: { cpu_ms: s.cpuMs, wall_ms: s.wallMs },
  }));
}
