// A console call timed on a small and a large database side by side (the console and records
// measures): both databases migrated as the server does and seeded, a warm-up call on each, then
// `rounds` rounds alternating which goes first, each the median of `calls` calls. The ratio is
// large / small per round; the target is "at most 2x".
import type pg from "pg";
import { openDatabase, type Db } from "../../server/db/client";
import { createDatabase, dropDatabase, openPool } from "./db";
import { now, quantile, summarize } from "./stats";
import type { Ctx, Row } from "./types";

export type TimedQuery = { id: string; name: string; run: (db: Db) => Promise<unknown> };

export type SmallVsLarge = {
  /** Progress prefix and database name suffix. */
  label: string;
  dbSuffix: string;
  small: number;
  large: number;
  calls: number;
  rounds: number;
  seed(pool: pg.Pool, count: number): Promise<void>;
  /** What the seed makes, for progress lines. */
  seeding: string;
  queries: readonly TimedQuery[];
  /** The row's name, and how the small size reads in its reference label. */
  rowName(q: TimedQuery): string;
  smallLabel: string;
};

export async function measureSmallVsLarge(ctx: Ctx, runId: string, m: SmallVsLarge): Promise<Row[]> {
  const names = [`syncdesk_bench_${runId}_${m.dbSuffix}_s`, `syncdesk_bench_${runId}_${m.dbSuffix}_l`];
  const dbs: { prisma: Db; close(): Promise<void> }[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const url = await createDatabase(name);
      dbs.push(await openDatabase({ url })); // migrates, as the server does
      const seeder = openPool(url, 2);
      try {
        const count = i === 0 ? m.small : m.large;
        ctx.progress(`${m.label}: seeding ${count.toLocaleString("en")} ${m.seeding}`);
        await m.seed(seeder, count);
      } finally {
        await seeder.end();
      }
    }
    const [smallDb, largeDb] = dbs.map((d) => d.prisma) as [Db, Db];
    const time = async (q: TimedQuery, db: Db) => {
      const times: number[] = [];
      for (let i = 0; i < m.calls; i++) {
        const t = now();
        await q.run(db);
        times.push(now() - t);
      }
      return quantile(times.sort((a, b) => a - b), 0.5);
    };
    const rows: Row[] = [];
    for (const q of m.queries) {
      await time(q, smallDb);
      await time(q, largeDb);
      const s: number[] = [];
      const l: number[] = [];
      for (let r = 0; r < m.rounds; r++) {
        const order = r % 2 === 0 ? [[smallDb, s], [largeDb, l]] as const : [[largeDb, l], [smallDb, s]] as const;
        for (const [db, into] of order) into.push(await time(q, db));
      }
      ctx.progress(`${m.label} ${q.id}: ${summarize(s).median.toFixed(2)} ms vs ${summarize(l).median.toFixed(2)} ms`);
      rows.push({
        id: q.id, name: m.rowName(q), unit: "ms per call",
        value: summarize(l), reference: summarize(s), referenceLabel: `same call at ${m.smallLabel}`,
        ratio: summarize(l.map((x, i) => x / (s[i] ?? NaN))), ratioLabel: "large / small", target: { op: "<=", value: 2 },
      });
    }
    return rows;
  } finally {
    for (const d of dbs) await d.close().catch(() => undefined);
    for (const name of names) await dropDatabase(name).catch(() => undefined);
  }
}
