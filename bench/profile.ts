// `npx tsx bench/profile.ts`: where a request's time goes, in process and one request at a time
// (no HTTP, no concurrency): each stage of push, pull and bootstrap timed on its own through the
// server's own modules, next to the raw `pg` equivalent. Complements `npm run bench`, which
// measures the whole path over HTTP.
import { SECRETS } from "./lib/server";
Object.assign(process.env, SECRETS, { NODE_ENV: "test", LOG_LEVEL: "warn" });

const { createDatabase, dropDatabase, openPool } = await import("./lib/db");
const { seedChanges, seedRecords } = await import("./lib/seed");
const { makeDoc, canonical, sha256 } = await import("./lib/records");
const { quantile } = await import("./lib/stats");
const { rawPullPage } = await import("./measures/pull");
const { openDatabase } = await import("../server/db/client");
const { ensureDevice } = await import("../server/devices/register");
const { findUnstorableJson } = await import("../server/http/storable-json");
const { canonicalJson, sha256Hex } = await import("../server/sync/canonical");
const { pullChanges } = await import("../server/sync/pull");
const { readBootstrapPage } = await import("../server/sync/bootstrap");
const { bootstrapPageJson } = await import("../server/sync/bootstrap-json");
const { applyPush } = await import("../server/sync/push");
const { ZPushRequest } = await import("@syncdesk/protocol");
const { signPullToken, openPullToken } = await import("../server/sync/tokens");
const { loadTypes, typeVersions } = await import("../server/types/registry");
await loadTypes();

const name = `syncdesk_bench_profile_${process.pid}`;
const url = await createDatabase(name);
const database = await openDatabase({ url });
const db = database.prisma;
const raw = openPool(url, 4);

async function time(label: string, n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<void> {
  for (let i = 0; i < Math.min(3, n); i++) await fn(-1 - i);
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / n;
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${quantile(samples, 0.5).toFixed(2).padStart(8)} ms wall (p90 ${quantile(samples, 0.9).toFixed(2)}), ${cpuMs.toFixed(2).padStart(7)} ms CPU in this process`);
}

try {
  // Pull: a page of 1000 from a 10k history.
  await seedChanges(raw, "user:prof", 1, 10_000);
  await raw.query("ANALYZE changes");
  const caller = { userId: "prof", streams: ["user:prof"] };
  const device = await ensureDevice(db, caller, "prof-phone");
  const position = { k: "pull" as const, u: "prof", d: "prof-phone", s: { "user:prof": 5000 }, f: null, t: typeVersions(null), exp: 2_000_000_000 };
  console.log("-- pull, page of 1000");
  await time("raw pg SELECT + wire shape + JSON.stringify", 20, () => rawPullPage(raw, "user:prof", 5000, 1000));
  await time("Prisma findMany (as readChanges)", 20, () =>
    db.change.findMany({ where: { stream: "user:prof", seq: { gt: 5000n } }, orderBy: { seq: "asc" }, take: 1001 }));
  await time("Prisma $queryRaw (same SQL)", 20, () =>
    db.$queryRaw`SELECT stream, seq, type, record_id, op, version, data, updated_at, batch_id, conflict FROM changes WHERE stream = 'user:prof' AND seq > 5000 ORDER BY seq LIMIT 1001`);
  await time("ensureDevice (upsert, every request)", 20, () => ensureDevice(db, caller, "prof-phone"));
  const token = signPullToken(SECRETS.SYNC_TOKEN_SECRET, position);
  await time("openPullToken", 20, () => openPullToken(SECRETS.SYNC_TOKEN_SECRET, token));
  await time("pullChanges (domain) + JSON.stringify", 20, async () => JSON.stringify(await pullChanges(db, device, position, 1000)));

  // Bootstrap: a page of 5000 from 20k records.
  await seedRecords(raw, "user:prof", 20_000);
  await raw.query("ANALYZE records");
  console.log("-- bootstrap, page of 5000");
  await time("raw pg keyset SELECT (5001 rows)", 10, () =>
    raw.query(`SELECT stream, type, id, version, data, deleted, checksum, updated_at FROM records WHERE stream = $1 AND NOT deleted AND last_seq <= $2 AND (stream, type, id) > ($1, '', '') ORDER BY stream, type, id LIMIT 5001`, ["user:prof", 20_000]));
  await time("Prisma $queryRaw of the engine's bootstrap SQL (5001 rows)", 10, () => db.$queryRaw`
    SELECT r.stream, r.type, r.id, r.version, r.data, r.deleted, r.checksum, r.updated_at
    FROM records r JOIN unnest(${["user:prof"]}::text[], ${[20000n]}::bigint[]) AS h(stream, head) ON r.stream = h.stream
    WHERE NOT r.deleted AND r.last_seq <= h.head AND (${null}::text[] IS NULL OR r.type = ANY(${null}::text[]))
      AND (r.stream, r.type, r.id) > (${""}, ${""}, ${""})
    ORDER BY r.stream, r.type, r.id LIMIT 5001`);
  await time("raw pg of the engine's bootstrap SQL (5001 rows)", 10, () => raw.query(`
    SELECT r.stream, r.type, r.id, r.version, r.data, r.deleted, r.checksum, r.updated_at
    FROM records r JOIN unnest($1::text[], $2::bigint[]) AS h(stream, head) ON r.stream = h.stream
    WHERE NOT r.deleted AND r.last_seq <= h.head AND ($3::text[] IS NULL OR r.type = ANY($3::text[]))
      AND (r.stream, r.type, r.id) > ($4, $5, $6)
    ORDER BY r.stream, r.type, r.id LIMIT 5001`, [["user:prof"], [20000], null, "", "", ""]));
  if (process.env.EXPLAIN) {
    const plan = await raw.query(`EXPLAIN (ANALYZE, BUFFERS)
    SELECT r.stream, r.type, r.id, r.version, r.data, r.deleted, r.checksum, r.updated_at
    FROM records r JOIN unnest($1::text[], $2::bigint[]) AS h(stream, head) ON r.stream = h.stream
    WHERE NOT r.deleted AND r.last_seq <= h.head AND ($3::text[] IS NULL OR r.type = ANY($3::text[]))
      AND (r.stream, r.type, r.id) > ($4, $5, $6)
    ORDER BY r.stream, r.type, r.id LIMIT 5001`, [["user:prof"], [20000], null, "user:prof", "memo", "r-00015000"]);
    console.log(plan.rows.map((r: Record<string, string>) => Object.values(r)[0]).join("\n"));
  }
  await time("readBootstrapPage (domain, first page) + bootstrapPageJson", 10, async () =>
    bootstrapPageJson(await readBootstrapPage(db, device, { device_id: "prof-phone", limit: 5000 })));

  // Push: a 100-item bundle of new records.
  console.log("-- push, 100-item bundle");
  let seed = 0;
  let bundle = 1;
  const body = () => JSON.stringify({ device_id: "prof-phone", bundle_id: bundle++, items: Array.from({ length: 100 }, () => {
    const d = makeDoc(++seed);
    return { type: d.type, id: d.id, action: "create", data: d.data, updated_at: d.updatedAt };
  }) });
  const text = body();
  const parsed = JSON.parse(text) as unknown;
  const request = ZPushRequest.parse(parsed);
  await time("JSON.parse of the body", 50, () => JSON.parse(text));
  await time("findUnstorableJson", 50, () => findUnstorableJson(parsed));
  await time("ZPushRequest.parse", 50, () => ZPushRequest.parse(parsed));
  await time("canonicalJson + sha256 of the request", 50, () => sha256Hex(canonicalJson(request)));
  await time("100 x checksum of data (canonical + sha256)", 50, () => request.items.map((i) => sha256(canonical(i.data))));
  const { rawBundleForProfile } = await import("./measures/push");
  const rawDevice = await rawBundleForProfile(raw);
  await time("raw pg bundle transaction (one at a time)", 20, () => rawDevice.push(Array.from({ length: 100 }, () => makeDoc(++seed))));
  await time("applyPush (domain, one at a time)", Number(process.env.PUSHES ?? 20), () => applyPush(db, device, ZPushRequest.parse(JSON.parse(body()))));
} finally {
  await raw.end();
  await database.close();
  await dropDatabase(name);
}
