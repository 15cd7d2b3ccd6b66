// `npx tsx scripts/bench-compaction.ts [changes]` (default 1,000,000): compaction of one stream's
// long history on a fresh local PostgreSQL database (TEST_DATABASE_URL, as the tests use), with
// the process's peak memory sampled during the run, and the cost of a pull at the head of that
// stream afterwards against the same pull on a stream that never had history.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

process.env.TEST_DB_ENGINE = "postgres";
process.env.SYNC_TOKEN_SECRET ??= "bench-token-secret-0123456789-abcdefghijklmnop";
process.env.SYNC_JWT_SECRET ??= "bench-jwt-secret-0123456789-abcdefghijklmnopq";
process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "syncdesk-bench-"));
process.env.LOG_LEVEL ??= "silent";

const { createTestDatabase } = await import("../test/support/database");
const { compactStreams } = await import("../server/compaction/compact");
const { compactionPolicy } = await import("../server/compaction/policy");
const { ensureDevice } = await import("../server/devices/register");
const { pullChanges } = await import("../server/sync/pull");
const { loadTypes, typeVersions } = await import("../server/types/registry");
await loadTypes();

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const PAGE = 1000;
const MiB = 1024 * 1024;

const db = await createTestDatabase();
const prisma = db.prisma;
try {
  /** Changes from..to in `stream`, `daysOld` days old, one record per 10 seqs (a tenth deleted). */
  async function seed(stream: string, from: number, to: number, daysOld: number): Promise<void> {
    await prisma.$executeRaw`INSERT INTO streams (name) VALUES (${stream}) ON CONFLICT (name) DO NOTHING`;
    for (let start = from; start <= to; start += 250_000) {
      const end = Math.min(to, start + 249_999);
      await prisma.$executeRaw`
        INSERT INTO changes (stream, seq, type, record_id, op, version, data, updated_at, created_at)
        SELECT ${stream}, g, 'memo', 'r-' || (g / 10), 'upsert', 1,
          jsonb_build_object('content', 'memo ' || g, 'tags', '[]'::jsonb, 'pinned', false),
          now(), now() - make_interval(days => ${daysOld})
        FROM generate_series(${BigInt(start)}::bigint, ${BigInt(end)}::bigint) AS g`;
    }
    await prisma.$executeRaw`
      INSERT INTO records (stream, type, id, version, data, deleted, checksum, updated_at, last_seq)
      SELECT ${stream}, 'memo', 'r-' || (g / 10), 1, '{"content":"x","tags":[],"pinned":false}', (g / 10) % 10 = 0, 'sha256:0', now(), g
      FROM generate_series(${BigInt(from)}::bigint, ${BigInt(to)}::bigint) AS g WHERE g % 10 = 9
      ON CONFLICT (stream, type, id) DO NOTHING`;
    await prisma.$executeRaw`UPDATE streams SET head_seq = ${BigInt(to)} WHERE name = ${stream}`;
  }

  async function pullMs(stream: string, after: number): Promise<number> {
    const device = await ensureDevice(prisma, { userId: stream, streams: [stream] }, `bench-${stream}`);
    const position = { k: "pull" as const, u: stream, d: device.deviceId, s: { [stream]: after }, f: null, t: typeVersions(null), exp: 4_000_000_000 };
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const started = performance.now();
      const page = await pullChanges(prisma, device, position, PAGE);
      times.push(performance.now() - started);
      if (page.changes.length !== PAGE) throw new Error(`expected ${PAGE} changes, got ${page.changes.length}`);
    }
    return times.sort((a, b) => a - b)[10] ?? NaN;
  }

  console.log(`seeding ${TOTAL.toLocaleString("en")} changes…`);
  await seed("user:long", 1, TOTAL, 40);
  await seed("user:short", 1, PAGE, 0);
  await prisma.$executeRawUnsafe("ANALYZE changes");

  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const started = performance.now();
  const summary = await compactStreams(prisma, compactionPolicy({ COMPACTION_RETENTION_DAYS: 30, COMPACTION_MAX_CHANGES_PER_STREAM: 1_000_000, COMPACTION_MAX_DEVICE_HOLD_DAYS: undefined }), new Date());
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  console.log(`compaction: ${summary.changesDeleted.toLocaleString("en")} changes deleted, ${summary.tombstonesPurged.toLocaleString("en")} tombstones purged in ${seconds.toFixed(1)} s`);
  console.log(`memory: peak RSS +${((peakRss - base.rss) / MiB).toFixed(1)} MiB, peak heap +${((peakHeap - base.heapUsed) / MiB).toFixed(1)} MiB over the start (RSS at start ${(base.rss / MiB).toFixed(0)} MiB)`);

  await seed("user:long", TOTAL + 1, TOTAL + PAGE, 0);
  await prisma.$executeRawUnsafe("ANALYZE changes");
  const long = await pullMs("user:long", TOTAL);
  const short = await pullMs("user:short", 0);
  console.log(`pull of ${PAGE} at the head (median of 21): after compacting ${TOTAL.toLocaleString("en")} changes ${long.toFixed(1)} ms, with no history ${short.toFixed(1)} ms (ratio ${(long / short).toFixed(2)})`);
} finally {
  await db.close();
}
